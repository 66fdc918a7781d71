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
}
