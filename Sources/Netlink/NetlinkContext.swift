// The public async API: links, addresses, routes and events of one network namespace, over one socket.
import IPAddressing
import Logging
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Netlink access to one network namespace: links, addresses, routes and change events.
///
/// Every request runs on a dedicated thread that has entered the namespace (see
/// ``NetworkNamespaceExecutor``), over one `NETLINK_ROUTE` socket that lives as long as the context;
/// there is no cache, each call asks the kernel. Calls are serialised on that thread in the order made.
///
/// ```swift
/// let netlink = try await NetlinkContext(namespace: "node-1")
/// let parent = try await netlink.link(named: "eth0")
/// let overlay = try await netlink.createMacvlan(named: "tmp0", parent: .name("eth0"))
/// try await netlink.setLink(.index(overlay.index), up: true)
/// try await netlink.addAddress(InterfaceAddress(address: ip, prefixLength: 24, interfaceIndex: overlay.index))
/// try await netlink.replaceRoute(Route(destination: subnet, gateway: gateway, table: RoutingTable(100)))
/// ```
public final class NetlinkContext: Sendable {
    /// The namespace this context works in; `nil` for the process's own.
    public var namespace: String? { executor.namespace }
    private let executor: NetworkNamespaceExecutor<NetlinkSocket>
    private let logger: Logger

    /// Opens a context in `namespace`.
    /// - Parameters:
    ///   - namespace: A name under `/var/run/netns` (created by `ip netns add`), an absolute path such as
    ///     `/proc/PID/ns/net`, or `nil` for the current namespace.
    ///   - logger: Receives a debug line per change made.
    /// - Throws: ``NetlinkError`` when the namespace is missing, cannot be entered, or the socket fails.
    public init(namespace: String? = nil, logger: Logger = Logger(label: "netlink")) async throws(NetlinkError) {
        var logger = logger
        if let namespace { logger[metadataKey: "netns"] = "\(namespace)" }
        self.logger = logger
        executor = try await NetworkNamespaceExecutor(namespace: namespace, threadName: "netlink") {
            () throws(NetlinkError) in try NetlinkSocket()
        }
    }

    // MARK: - Links

    /// Every link in the namespace.
    public func links() async throws(NetlinkError) -> [Link] {
        try await executor.run { socket throws(NetlinkError) in
            try socket.dump(RouteNetlinkCodec.dumpLinks(), operation: "listing links")
                .compactMap(RouteNetlinkCodec.link(from:))
        }
    }

    /// The link named or numbered by `reference`, or `nil` if there is none.
    public func link(_ reference: LinkReference) async throws(NetlinkError) -> Link? {
        try await executor.run { socket throws(NetlinkError) in try Self.link(reference, on: socket) }
    }

    /// The link named `name` (e.g. `eth0`), or `nil`.
    public func link(named name: String) async throws(NetlinkError) -> Link? { try await link(.name(name)) }

    /// The link with interface index `index`, or `nil`.
    public func link(index: Int32) async throws(NetlinkError) -> Link? { try await link(.index(index)) }

    /// The link holding `address` (e.g. the host NIC holding the node's InternalIP), or `nil`.
    public func link(holding address: IPAddress) async throws(NetlinkError) -> Link? {
        try await executor.run { socket throws(NetlinkError) in
            let holder = try Self.addresses(family: address.netlinkFamily, on: socket)
                .first { $0.address == address }
            guard let holder else { return nil }
            return try Self.link(.index(holder.interfaceIndex), on: socket)
        }
    }

    /// Creates macvlan `name` in bridge mode on `parent` and returns it (down, without addresses).
    /// - Throws: ``NetlinkError`` with `ENODEV` when `parent` does not exist, `EEXIST` when `name` does.
    public func createMacvlan(named name: String, parent: LinkReference) async throws(NetlinkError) -> Link {
        let operation = "creating macvlan \(name) on \(parent)"
        let created = try await executor.run { socket throws(NetlinkError) -> Link in
            guard let parentLink = try Self.link(parent, on: socket) else {
                throw NetlinkError(
                    operation: operation, errno: ENODEV, message: "parent device \(parent) does not exist",
                    hint: "check the parent interface name")
            }
            try socket.perform(
                RouteNetlinkCodec.createMacvlan(name: name, parentIndex: parentLink.index), operation: operation)
            guard let link = try Self.link(.name(name), on: socket) else {
                throw NetlinkError(operation: operation, errno: ENODEV, message: "the new device vanished at once")
            }
            return link
        }
        logger.debug("created macvlan", metadata: ["link": "\(created)", "parent": "\(parent)"])
        return created
    }

    /// Creates the veth pair `name` ↔ `peerName` (both down) and returns both ends; the lab uses one as
    /// a simulated node's host NIC.
    /// - Throws: ``NetlinkError`` with `EEXIST` when either name is taken.
    public func createVethPair(named name: String, peerName: String) async throws(NetlinkError) -> (Link, peer: Link) {
        let operation = "creating veth pair \(name) and \(peerName)"
        let pair = try await executor.run { socket throws(NetlinkError) -> (Link, peer: Link) in
            try socket.perform(RouteNetlinkCodec.createVethPair(name: name, peerName: peerName), operation: operation)
            guard let link = try Self.link(.name(name), on: socket), let peer = try Self.link(.name(peerName), on: socket) else {
                throw NetlinkError(operation: operation, errno: ENODEV, message: "the new devices vanished at once")
            }
            return (link, peer: peer)
        }
        logger.debug("created veth pair", metadata: ["link": "\(pair.0)", "peer": "\(pair.peer)"])
        return pair
    }

    /// Sets `link` administratively up or down (only `IFF_UP` changes).
    public func setLink(_ link: LinkReference, up: Bool) async throws(NetlinkError) {
        let operation = "setting link \(link) \(up ? "up" : "down")"
        try await executor.run { socket throws(NetlinkError) in
            try socket.perform(RouteNetlinkCodec.setLink(link, up: up), operation: operation)
        }
        logger.debug("set link state", metadata: ["link": "\(link)", "up": "\(up)"])
    }

    /// Deletes `link` (for a veth, its peer goes too). Its addresses and routes go with it.
    public func deleteLink(_ link: LinkReference) async throws(NetlinkError) {
        try await executor.run { socket throws(NetlinkError) in
            try socket.perform(RouteNetlinkCodec.deleteLink(link), operation: "deleting link \(link)")
        }
        logger.debug("deleted link", metadata: ["link": "\(link)"])
    }

    // MARK: - Addresses

    /// The addresses in the namespace, optionally only those on `link` and of `family`.
    public func addresses(on link: LinkReference? = nil, family: IPAddressFamily? = nil) async throws(NetlinkError)
        -> [InterfaceAddress]
    {
        let netlinkFamily: UInt8 =
            switch family {
            case .v4: RTNL.familyIPv4
            case .v6: RTNL.familyIPv6
            case nil: RTNL.familyUnspecified
            }
        return try await executor.run { socket throws(NetlinkError) in
            let all = try Self.addresses(family: netlinkFamily, on: socket)
            guard let link else { return all }
            guard let index = try Self.link(link, on: socket)?.index else {
                throw NetlinkError(operation: "listing addresses of \(link)", errno: ENODEV)
            }
            return all.filter { $0.interfaceIndex == index }
        }
    }

    /// Adds `address` to its interface.
    /// - Throws: ``NetlinkError`` with `EEXIST` when it is already there, `ENODEV` for a missing interface.
    public func addAddress(_ address: InterfaceAddress) async throws(NetlinkError) {
        try await changeAddress(address, request: RouteNetlinkCodec.newAddress(address, replace: false), verb: "adding")
    }

    /// Adds `address` to its interface, or updates it in place when it is already there.
    public func replaceAddress(_ address: InterfaceAddress) async throws(NetlinkError) {
        try await changeAddress(address, request: RouteNetlinkCodec.newAddress(address, replace: true), verb: "replacing")
    }

    /// Removes `address` from its interface (with the connected route the kernel made for it).
    /// - Throws: ``NetlinkError`` with `EADDRNOTAVAIL` when the interface does not hold it.
    public func deleteAddress(_ address: InterfaceAddress) async throws(NetlinkError) {
        try await changeAddress(address, request: RouteNetlinkCodec.deleteAddress(address), verb: "deleting")
    }

    private func changeAddress(
        _ address: InterfaceAddress, request: NetlinkMessageBuilder, verb: String
    ) async throws(NetlinkError) {
        try await executor.run { socket throws(NetlinkError) in
            do throws(NetlinkError) {
                try socket.perform(request, operation: "")
            } catch {
                let device = Self.deviceName(address.interfaceIndex, on: socket)
                let preposition = verb == "deleting" ? "from" : "on"
                throw error.reworded(operation: "\(verb) address \(address.cidr) \(preposition) \(device)")
            }
        }
        logger.debug("\(verb) address", metadata: ["address": "\(address)"])
    }

    // MARK: - Routes

    /// The routes in the namespace, optionally only those in `table`, installed by `protocol`, of `family`.
    /// Cached (cloned) routes are left out; every table is included when `table` is `nil` (the local
    /// table too).
    public func routes(
        in table: RoutingTable? = nil, protocol: RouteProtocol? = nil, family: IPAddressFamily? = nil
    ) async throws(NetlinkError) -> [Route] {
        let netlinkFamily: UInt8 =
            switch family {
            case .v4: RTNL.familyIPv4
            case .v6: RTNL.familyIPv6
            case nil: RTNL.familyUnspecified
            }
        return try await executor.run { socket throws(NetlinkError) in
            try socket.dump(RouteNetlinkCodec.dumpRoutes(family: netlinkFamily), operation: "listing routes")
                .compactMap(RouteNetlinkCodec.route(from:))
                .filter { route in
                    (table == nil || route.table == table) && (`protocol` == nil || route.protocol == `protocol`)
                }
        }
    }

    /// Adds `route`. Its ``Route/protocol`` (default ``RouteProtocol/overlayAgent``) marks it as ours.
    /// - Throws: ``NetlinkError``: `EEXIST` when present, `ENETUNREACH` when the gateway is not on a
    ///   connected subnet, `ENODEV` when the output device does not exist.
    public func addRoute(_ route: Route) async throws(NetlinkError) {
        try await changeRoutes([.add(route)])
    }

    /// Adds `route`, or replaces the route with the same destination, table and metric.
    public func replaceRoute(_ route: Route) async throws(NetlinkError) {
        try await changeRoutes([.replace(route)])
    }

    /// Deletes the route matching `route`: same destination and table, and the same protocol unless
    /// that is ``RouteProtocol/unspecified`` — so a delete with ``RouteProtocol/overlayAgent`` never
    /// removes a route somebody else installed. Gateway, device and metric narrow the match when set.
    /// - Throws: ``NetlinkError`` with `ESRCH` when no route matches.
    public func deleteRoute(_ route: Route) async throws(NetlinkError) {
        try await changeRoutes([.delete(route)])
    }

    /// Applies many route changes in one hop to the netlink thread, batching them into few system
    /// calls (about a hundred per `sendmsg`); the way to add a thousand routes.
    /// - Returns: One entry per change, in order: `nil` when it succeeded, otherwise why it failed.
    ///   A failing change does not stop the others.
    public func applyRouteChanges(_ changes: [RouteChange]) async -> [NetlinkError?] {
        guard !changes.isEmpty else { return [] }
        let results: [NetlinkError?]
        do {
            results = try await executor.run { socket throws(NetlinkError) in
                let requests = changes.map { ($0.request, $0.operation(deviceName: nil)) }
                var results = socket.performAll(requests)
                for (position, failure) in results.enumerated() {
                    guard let failure else { continue }
                    results[position] = Self.explain(failure, of: changes[position], on: socket)
                }
                return results
            }
        } catch {
            return changes.map { _ in error }
        }
        let failed = results.lazy.filter { $0 != nil }.count
        logger.debug("applied route changes", metadata: ["changes": "\(changes.count)", "failed": "\(failed)"])
        return results
    }

    private func changeRoutes(_ changes: [RouteChange]) async throws(NetlinkError) {
        if let failure = await applyRouteChanges(changes).first, let failure { throw failure }
    }

    // MARK: - Events

    /// Subscribes to changes in the namespace; the subscription is active when this returns.
    /// Each call opens its own socket and reader thread, ended when the stream is dropped.
    public func events(_ groups: NetlinkEventGroups = .all) async throws(NetlinkError) -> NetlinkEventStream {
        try await NetlinkEventStream.start(namespace: namespace, groups: groups)
    }

    // MARK: - On the netlink thread

    private static func link(_ reference: LinkReference, on socket: NetlinkSocket) throws(NetlinkError) -> Link? {
        do throws(NetlinkError) {
            return try socket.perform(RouteNetlinkCodec.getLink(reference), operation: "looking up link \(reference)")
                .lazy.compactMap(RouteNetlinkCodec.link(from:)).first
        } catch where error.errno == ENODEV {
            return nil
        }
    }

    private static func addresses(family: UInt8, on socket: NetlinkSocket) throws(NetlinkError) -> [InterfaceAddress] {
        try socket.dump(RouteNetlinkCodec.dumpAddresses(family: family), operation: "listing addresses")
            .compactMap(RouteNetlinkCodec.address(from:))
    }

    /// Rewords a failed route change with the output device's name. A missing output device is
    /// reported as `ENODEV` even when the kernel answered otherwise: with a gateway it checks the
    /// gateway first and says `ENETUNREACH`, which would send the reader looking in the wrong place.
    private static func explain(_ failure: NetlinkError, of change: RouteChange, on socket: NetlinkSocket) -> NetlinkError {
        guard let index = change.route.outputInterfaceIndex else {
            return failure.reworded(operation: change.operation(deviceName: nil))
        }
        let device = try? link(.index(index), on: socket)
        let operation = change.operation(deviceName: device?.name)
        guard device == nil, failure.errno != ENODEV else { return failure.reworded(operation: operation) }
        return NetlinkError(
            operation: operation, errno: ENODEV, message: "no such device",
            hint: "output device #\(index) does not exist (the kernel answered \(failure.errnoName))",
            kernelMessage: failure.kernelMessage)
    }

    /// The name of interface `index` for error messages; `#index` when it does not exist.
    private static func deviceName(_ index: Int32, on socket: NetlinkSocket) -> String {
        let found = try? link(.index(index), on: socket)
        return found?.name ?? "#\(index)"
    }
}
