// The network namespace the agent benchmarks configure: a veth `host0` with 192.168.100.2/24 as the node's NIC.
import IPAddressing
import Logging
import Netlink

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
