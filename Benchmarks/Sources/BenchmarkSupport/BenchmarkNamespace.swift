// The network namespace the agent benchmarks configure: a veth `host0` with 192.168.100.2/24 as the node's NIC.
import IPAddressing
import Logging
import Netlink
#if canImport(Glibc)
import Glibc
#endif

/// Creates the namespace `name` with a veth pair `host0`/`peer0` (both up, `lo` up too) and 192.168.100.2/24 on
/// `host0`, through netlink (never the `ip` command); returns a context for it. Needs root.
public func makeBenchmarkNamespace(_ name: String, logger: Logger) async throws -> NetlinkContext {
    try await NetworkNamespace.create(named: name)
    let netlink = try await NetlinkContext(namespace: name, logger: logger)
    let (host, _) = try await netlink.createVethPair(named: "host0", peerName: "peer0")
    try await netlink.setLink(.name("lo"), up: true)
    try await netlink.setLink(.name("host0"), up: true)
    try await netlink.setLink(.name("peer0"), up: true)
    guard let address = IPAddress("192.168.100.2") else { throw BenchmarkError(description: "192.168.100.2 does not parse") }
    try await netlink.addAddress(InterfaceAddress(address: address, prefixLength: 24, interfaceIndex: host.index))
    return netlink
}

/// Enables IPv6 in the namespace `name` (its existing links and those made later), for hosts whose new
/// namespaces start with it disabled: writes 0 to `net.ipv6.conf.{all,default}.disable_ipv6` from a thread
/// inside the namespace (`/proc/sys/net` is the namespace of the thread that opens it).
public func enableIPv6(inNamespace name: String) async throws {
    let executor = try await NetworkNamespaceExecutor(namespace: name, threadName: "enable-ipv6") { () throws(NetlinkError) in () }
    try await executor.run { _ throws(NetlinkError) in
        for setting in ["all", "default"] {
            let path = "/proc/sys/net/ipv6/conf/\(setting)/disable_ipv6"
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw NetlinkError(operation: "enabling IPv6 in \(name): opening \(path)", errno: errno) }
            defer { close(descriptor) }
            guard write(descriptor, "0\n", 2) == 2 else {
                throw NetlinkError(operation: "enabling IPv6 in \(name): writing \(path)", errno: errno)
            }
        }
    }
}
