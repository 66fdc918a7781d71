// Creates and removes each simulated node's network namespace with its veth "host NIC", via netlink.
import IPAddressing
import Netlink

/// The namespaces of a lab run. Nothing outside them is touched.
enum LabNetwork {
    /// Creates `node.namespace` holding the veth pair host0/peer0 (both up) with the node's InternalIP on host0.
    static func create(_ node: LabNode) async throws {
        try await NetworkNamespace.create(named: node.namespace)
        let context = try await NetlinkContext(namespace: node.namespace)
        let (host, peer) = try await context.createVethPair(named: LabTopology.hostInterface, peerName: LabTopology.peerInterface)
        guard let address = IPAddress(node.internalIP) else { throw LabError("bad lab address \(node.internalIP)") }
        try await context.addAddress(InterfaceAddress(address: address, prefixLength: node.internalPrefixLength, interfaceIndex: host.index))
        try await context.setLink(.index(peer.index), up: true)
        try await context.setLink(.index(host.index), up: true)
        if let loopback = try await context.link(named: "lo") { try await context.setLink(.index(loopback.index), up: true) }
    }

    /// Deletes the namespace (and with it every device, address and route in it). Missing is fine.
    static func delete(_ node: LabNode) {
        guard NetworkNamespace.exists(node.namespace) else { return }
        try? NetworkNamespace.delete(named: node.namespace)
    }

    /// What the kernel in the node's namespace holds: the overlay device's addresses (IPv4, then IPv6 without
    /// the kernel's own link-local one) and our routes of both families.
    static func inspect(_ node: LabNode) async -> (addresses: [String], routes: [String]) {
        guard let context = try? await NetlinkContext(namespace: node.namespace),
            let device = try? await context.link(named: LabTopology.overlayDevice)
        else { return ([], []) }
        var addresses: [String] = []
        var routes: [String] = []
        for family in [IPAddressFamily.v4, .v6] {
            let held = (try? await context.addresses(on: .index(device.index), family: family)) ?? []
            addresses += held.filter { !isLinkLocal($0.address) }.map(\.cidr)
            routes += ((try? await context.routes(protocol: .overlayAgent, family: family)) ?? []).map { route in
                "\(route.destination) via \(route.gateway.map { "\($0)" } ?? "-")"
            }
        }
        return (addresses, routes)
    }

    /// Whether `address` is in fe80::/10 (the kernel gives every IPv6 device one; the agent never made it).
    private static func isLinkLocal(_ address: IPAddress) -> Bool {
        guard let linkLocal = IPPrefix("fe80::/10") else { return false }
        return linkLocal.contains(address)
    }
}
