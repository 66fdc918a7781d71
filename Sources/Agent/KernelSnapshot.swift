// What the kernel holds in the agent's namespace at one moment: links, addresses and routes.
import IPAddressing
import Netlink

/// The links, addresses and routes of a network namespace, read at once; the input the plan diffs against.
public struct KernelSnapshot: Sendable, Hashable {
    /// Every link.
    public var links: [Link]
    /// Every IPv4 and IPv6 address.
    public var addresses: [InterfaceAddress]
    /// Every route, of every owner, in every table.
    public var routes: [Route]

    /// Makes a snapshot (tests build them by hand; the agent reads them through netlink).
    public init(links: [Link] = [], addresses: [InterfaceAddress] = [], routes: [Route] = []) {
        self.links = links
        self.addresses = addresses
        self.routes = routes
    }

    /// The link named `name`.
    public func link(named name: String) -> Link? { links.first { $0.name == name } }

    /// The link with interface index `index`.
    public func link(index: Int32) -> Link? { links.first { $0.index == index } }

    /// The link holding `address`.
    public func link(holding address: IPAddress) -> Link? {
        addresses.first { $0.address == address }.flatMap { link(index: $0.interfaceIndex) }
    }

    /// The addresses on the link with index `index`.
    public func addresses(onLinkIndex index: Int32) -> [InterfaceAddress] {
        addresses.filter { $0.interfaceIndex == index }
    }

    /// The routes the agent owns (marked ``RouteProtocol/overlayAgent``).
    public var ownRoutes: [Route] { routes.filter { $0.protocol == .overlayAgent } }

    /// The overlay addresses the device `deviceName` holds, as the agent reports them in
    /// `configuredAddresses`: at most one per family, the families in the order of `published` (the
    /// status's `ipAddrs`) and any other family after them; of each family the published address when the
    /// device holds it, else the first other one (the addresses the kernel manages, IPv6 link-local and
    /// SLAAC, aside). Empty only when the device is absent or holds no such address.
    ///
    /// The operator releases an address once the report stops showing it, so this says what the kernel
    /// holds, whatever the agent meant to do (a failed removal leaves the address reported).
    public func overlayAddresses(onDevice deviceName: String, published: [IPAddress]) -> [OverlayAddress] {
        guard let device = link(named: deviceName) else { return [] }
        let held = addresses(onLinkIndex: device.index).filter { published.contains($0.address) || !Self.isKernelManaged($0) }
        var families: [IPAddressFamily] = []
        for family in published.map(\.family) + held.map(\.address.family) where !families.contains(family) {
            families.append(family)
        }
        return families.compactMap { family in
            let ofFamily = held.filter { $0.address.family == family }
            let chosen = ofFamily.first { published.contains($0.address) } ?? ofFamily.first
            return chosen.map { OverlayAddress(address: $0.address, prefixLength: $0.prefixLength) }
        }
    }

    /// `fe80::/10`, the IPv6 link-local unicast range.
    static let ipv6LinkLocal = IPPrefix("fe80::/10")

    /// Whether the kernel adds and removes `address` on its own: IPv6 link-local addresses, and IPv6
    /// addresses it learnt from router advertisements (SLAAC; they lack ``InterfaceAddressFlags/permanent``,
    /// which every address added by the agent or by hand has). The agent neither removes nor reports such
    /// addresses: removing them would fight the kernel on every advertisement.
    static func isKernelManaged(_ address: InterfaceAddress) -> Bool {
        guard address.address.family == .v6 else { return false }
        return !address.flags.contains(.permanent) || (ipv6LinkLocal?.contains(address.address) ?? false)
    }
}
