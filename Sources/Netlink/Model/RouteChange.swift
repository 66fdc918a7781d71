// A route change for the batch API: add, replace or delete one route.

/// One change to apply with ``NetlinkContext/applyRouteChanges(_:)``.
public enum RouteChange: Sendable, Hashable {
    /// Add the route; fails with `EEXIST` if present.
    case add(Route)
    /// Add the route or replace the one with the same destination, table and metric.
    case replace(Route)
    /// Delete the matching route (see ``NetlinkContext/deleteRoute(_:)``).
    case delete(Route)

    /// The route this change is about.
    public var route: Route {
        switch self {
        case .add(let route), .replace(let route), .delete(let route): route
        }
    }

    /// The rtnetlink request this change sends, numbered `sequence`: the bytes the kernel receives
    /// (the micro-benchmarks time encoding with it).
    public func encodedRequest(sequence: UInt32) -> [UInt8] {
        request.finish(sequence: sequence)
    }

    var request: NetlinkMessageBuilder {
        switch self {
        case .add(let route): RouteNetlinkCodec.newRoute(route, replace: false)
        case .replace(let route): RouteNetlinkCodec.newRoute(route, replace: true)
        case .delete(let route): RouteNetlinkCodec.deleteRoute(route)
        }
    }

    func operation(deviceName: String?) -> String {
        switch self {
        case .add(let route): "adding route \(route.describe(deviceName: deviceName))"
        case .replace(let route): "replacing route \(route.describe(deviceName: deviceName))"
        case .delete(let route): "deleting route \(route.describe(deviceName: deviceName))"
        }
    }
}
