// Tests of how NetlinkError words kernel errnos for users.
import Glibc
import Testing
@testable import Netlink

@Suite("NetlinkError wording")
struct NetlinkErrorTests {
    @Test("an unreachable gateway reads as the brief's example, with errno name and a hint")
    func unreachableGateway() {
        let error = NetlinkError(operation: "adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0", errno: ENETUNREACH)
        #expect(error.message == "gateway unreachable")
        #expect(error.errnoName == "ENETUNREACH")
        #expect(error.description.hasPrefix("adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0: gateway unreachable (ENETUNREACH); "))
    }

    @Test("not-found and already-exists are classified from the errno")
    func classification() {
        #expect(NetlinkError(operation: "deleting route 10.1.0.0/16", errno: ESRCH).isNotFound)
        #expect(NetlinkError(operation: "deleting link tmp0", errno: ENODEV).isNotFound)
        #expect(NetlinkError(operation: "adding route 10.1.0.0/16", errno: EEXIST).isAlreadyExists)
        #expect(!NetlinkError(operation: "adding route 10.1.0.0/16", errno: EPERM).isNotFound)
    }

    @Test("the same errno is worded for the object the operation is about")
    func contextualWording() {
        #expect(NetlinkError(operation: "adding route 10.1.0.0/16", errno: EEXIST).message == "route already exists")
        #expect(NetlinkError(operation: "adding address 10.0.0.1/24 on tmp0", errno: EEXIST).message
            == "address already exists on the device")
        #expect(NetlinkError(operation: "setting link tmp0 up", errno: EPERM).hint
            == "needs CAP_NET_ADMIN in the network namespace")
    }
}
