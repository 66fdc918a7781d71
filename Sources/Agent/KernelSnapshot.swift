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

    /// The overlay address the device `deviceName` holds, as the agent reports it in `configuredAddress`:
    /// an address equal to `published` when the device holds one, else the first other address on it
    /// (the kernel's own IPv6 link-local addresses aside); `nil` only when the device is absent or holds
    /// no such address.
    ///
    /// The operator releases an address once the report stops showing it, so this says what the kernel
    /// holds, whatever the agent meant to do (a failed removal leaves the address reported).
    public func overlayAddress(onDevice deviceName: String, published: IPAddress?) -> OverlayAddress? {
        guard let device = link(named: deviceName) else { return nil }
        let held = addresses(onLinkIndex: device.index).filter { !Self.isKernelManaged($0.address) }
        let chosen = held.first { $0.address == published } ?? held.first
        return chosen.map { OverlayAddress(address: $0.address, prefixLength: $0.prefixLength) }
    }

    private static let ipv6LinkLocal = IPPrefix("fe80::/10")

    /// Whether the kernel adds and removes `address` on its own (IPv6 link-local): the agent neither
    /// removes nor reports such addresses.
    static func isKernelManaged(_ address: IPAddress) -> Bool {
        ipv6LinkLocal?.contains(address) ?? false
    }
}
