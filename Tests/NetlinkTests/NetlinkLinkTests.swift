// Links and addresses on the real kernel, inside throwaway namespaces.
import Glibc
import IPAddressing
import Netlink
import Testing
import TestSupport

@Suite("Netlink links and addresses", .enabled(namespaceRequirement) { await TestNetworkNamespace.isAvailable })
struct NetlinkLinkTests {
    @Test("a context in a namespace sees that namespace's links, not the process's")
    func seesNamespaceLinks() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let names = Set(try await netlink.links().map(\.name))
            #expect(names == ["lo", namespace.hostInterface, namespace.peerInterface])
            // The process's own namespace has no host0: the test never created one there.
            let own = try await NetlinkContext()
            #expect(try await own.link(named: namespace.hostInterface) == nil)
        }
    }

    @Test("a missing namespace fails with ENOENT and says how to create it")
    func missingNamespace() async throws {
        let error = await #expect(throws: NetlinkError.self) {
            _ = try await NetlinkContext(namespace: "oic-test-does-not-exist")
        }
        #expect(error?.errno == ENOENT)
        #expect(error?.description.contains("ip netns add oic-test-does-not-exist") == true)
    }

    @Test("links are found by name and by index, and a missing one is nil")
    func findLinks() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            #expect(host.kind == "veth")
            #expect(host.isUp)
            #expect(host.hasCarrier)
            #expect(try await netlink.link(index: host.index) == host)
            #expect(try await netlink.link(named: "nope0") == nil)
            #expect(try await netlink.link(index: 9999) == nil)
        }
    }

    @Test("the interface holding an address is found, and an unheld address finds none")
    func linkHoldingAddress() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let holder = try await netlink.link(holding: try address("192.168.100.2"))
            #expect(holder?.name == namespace.hostInterface)
            #expect(try await netlink.link(holding: try address("192.168.100.99")) == nil)
        }
    }

    @Test("a macvlan on the host NIC comes up, gets an address, replaces it and is deleted")
    func macvlanLifecycle() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            let overlay = try await netlink.createMacvlan(named: "tmp0", parent: .name(namespace.hostInterface))
            #expect(overlay.kind == "macvlan")
            #expect(overlay.parentIndex == host.index)
            #expect(!overlay.isUp)
            #expect(try await namespace.ip("-d", "link", "show", "tmp0").contains("macvlan mode bridge"))

            try await netlink.setLink(.name("tmp0"), up: true)
            #expect(try await netlink.link(named: "tmp0")?.isUp == true)

            let assigned = InterfaceAddress(address: try address("192.168.100.10"), prefixLength: 24, interfaceIndex: overlay.index)
            try await netlink.addAddress(assigned)
            let listed = try await netlink.addresses(on: .name("tmp0"), family: .v4)
            #expect(listed.map(\.cidr) == [assigned.cidr])
            #expect(listed.first?.isSameAssignment(as: assigned) == true)
            #expect(listed.first?.flags == .permanent, "the kernel marks addresses added by hand permanent")
            #expect(try await netlink.link(holding: assigned.address)?.name == "tmp0")
            let again = await #expect(throws: NetlinkError.self) { try await netlink.addAddress(assigned) }
            #expect(again?.isAlreadyExists == true)
            try await netlink.replaceAddress(assigned)

            try await netlink.deleteAddress(assigned)
            #expect(try await netlink.addresses(on: .name("tmp0"), family: .v4).isEmpty)
            let gone = await #expect(throws: NetlinkError.self) { try await netlink.deleteAddress(assigned) }
            #expect(gone?.errno == EADDRNOTAVAIL)
            #expect(gone?.description.hasPrefix("deleting address 192.168.100.10/24 from tmp0:") == true)

            try await netlink.setLink(.index(overlay.index), up: false)
            #expect(try await netlink.link(index: overlay.index)?.isUp == false)
            try await netlink.deleteLink(.name("tmp0"))
            #expect(try await netlink.link(named: "tmp0") == nil)
        }
    }

    @Test("a macvlan on a missing parent fails with ENODEV naming the parent")
    func macvlanMissingParent() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let error = await #expect(throws: NetlinkError.self) {
                _ = try await netlink.createMacvlan(named: "tmp0", parent: .name("eth9"))
            }
            #expect(error?.errno == ENODEV)
            #expect(error?.description.hasPrefix("creating macvlan tmp0 on eth9: parent device eth9 does not exist") == true)
        }
    }

    @Test("a second macvlan with a taken name fails with EEXIST")
    func macvlanNameTaken() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            _ = try await netlink.createMacvlan(named: "tmp0", parent: .name(namespace.hostInterface))
            let error = await #expect(throws: NetlinkError.self) {
                _ = try await netlink.createMacvlan(named: "tmp0", parent: .name(namespace.hostInterface))
            }
            #expect(error?.isAlreadyExists == true)
        }
    }

    @Test("setting a missing link up fails with ENODEV")
    func setMissingLink() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let error = await #expect(throws: NetlinkError.self) { try await netlink.setLink(.name("nope0"), up: true) }
            #expect(error?.errno == ENODEV)
            #expect(error?.description.hasPrefix("setting link nope0 up: no such device (ENODEV)") == true)
        }
    }

    @Test("IPv6 addresses are listed and removed like IPv4 ones")
    func ipv6Address() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try #require(try await netlink.link(named: namespace.hostInterface))
            let entry = InterfaceAddress(address: try address("fd00:100::2"), prefixLength: 64, interfaceIndex: host.index)
            try await netlink.addAddress(entry)
            #expect(try await netlink.addresses(on: .index(host.index), family: .v6).contains { $0.isSameAssignment(as: entry) })
            try await netlink.deleteAddress(entry)
            #expect(!(try await netlink.addresses(on: .index(host.index), family: .v6).contains { $0.isSameAssignment(as: entry) }))
        }
    }

    @Test("an IPv6 address added without DAD is at once usable: listed nodad and permanent, never tentative")
    func ipv6AddressWithoutDuplicateAddressDetection() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try await hostNICWithIPv6(netlink, in: namespace)
            let listed = try await netlink.addresses(on: .index(host.index), family: .v6).filter { $0.cidr == "fd00:100::2/64" }
            #expect(listed.map(\.flags) == [[.noDuplicateAddressDetection, .permanent]])
            #expect(try await namespace.ip("-6", "address", "show", "dev", namespace.hostInterface).contains("fd00:100::2/64 scope global nodad"))
        }
    }

    @Test("address dumps filtered by family hold only that family")
    func addressDumpPerFamily() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let host = try await hostNICWithIPv6(netlink, in: namespace)
            let v4 = try await netlink.addresses(on: .index(host.index), family: .v4)
            let v6 = try await netlink.addresses(on: .index(host.index), family: .v6)
            #expect(v4.map(\.cidr) == ["192.168.100.2/24"])
            #expect(v6.contains { $0.cidr == "fd00:100::2/64" })
            #expect(v6.allSatisfy { $0.address.family == .v6 })
            #expect(Set(try await netlink.addresses(on: .index(host.index)).map(\.cidr)) == Set((v4 + v6).map(\.cidr)))
        }
    }
}
