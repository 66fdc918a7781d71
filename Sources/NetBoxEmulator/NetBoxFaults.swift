// Faults and latencies the emulator can inject, as a plain value the emulator actor consumes request by request.
import EmulatorSupport

/// What kind of work a request is: the unit of request counts and of per-operation latency.
public enum NetBoxOperation: String, Sendable, Hashable, CaseIterable, Codable {
    /// `POST /api/ipam/prefixes/{id}/available-ips/` (runs under the global allocation lock).
    case allocate
    /// `GET /api/ipam/prefixes/{id}/available-ips/`.
    case listAvailable
    /// `GET` of a list endpoint, e.g. `/api/ipam/ip-addresses/?tag=overlay`.
    case list
    /// `GET` of one object, e.g. `/api/ipam/prefixes/1/`.
    case read
    /// `POST` to a list endpoint (creating objects directly).
    case create
    /// `PATCH` or `PUT`, of one object or in bulk.
    case update
    /// `DELETE`, of one object or in bulk.
    case delete
    /// Anything else: `/api/status/`, unknown paths, methods an endpoint does not allow.
    case other
}

/// Injected misbehaviour and latency.
///
/// Counted faults (`failNextRequests`, `resetNextConnections`, `dropNextRequests`, `malformNextResponses`) are
/// consumed one per request, in that order of precedence, by requests whose operation is in ``faultOperations``
/// (every request when it is empty).
public struct NetBoxFaults: Sendable, Equatable {
    /// Added before every answer.
    public var latency: Duration = .zero
    /// Added, per operation, on top of ``latency``. The allocation latency is spent holding the global
    /// allocation lock, so concurrent allocations queue behind each other as on the real server.
    public var operationLatency: [NetBoxOperation: Duration] = [:]
    /// Added once, to the next request only: a fresh gunicorn worker's first request (about 3.5 s on the real server).
    public var firstRequestDelay: Duration = .zero
    /// How many of the next requests get ``failureStatus`` instead of being handled.
    public var failNextRequests = 0
    /// The status of injected failures: 500 answers NetBox's JSON error body, any other an HTML proxy page.
    public var failureStatus = 503
    /// How many of the next requests get their TCP connection reset instead of an answer.
    public var resetNextConnections = 0
    /// How many of the next requests get no answer at all (the connection stays open until the client gives up):
    /// a timeout. Such requests are not handled, so they change nothing.
    public var dropNextRequests = 0
    /// How many of the next requests get `200` with a truncated JSON body instead of being handled.
    public var malformNextResponses = 0
    /// The operations counted faults apply to; empty means every request.
    public var faultOperations: Set<NetBoxOperation> = []

    /// No faults and no latency.
    public init() {}

    /// The latencies `netbox-api.md` §14 and issue 15 give for the real NetBox 4.6: 23.5 ms per allocation,
    /// 10 ms per listing (lists and available-ips reads), 47 ms per delete.
    public static let recordedLatencies: [NetBoxOperation: Duration] = [
        .allocate: .microseconds(23_500), .list: .milliseconds(10), .listAvailable: .milliseconds(10), .delete: .milliseconds(47),
    ]
}

/// What the network layer does with one request: answer, reset the connection, or never answer.
public typealias NetBoxDisposition = EmulatorDisposition

extension NetBoxFaults {
    /// The delay for one request of `operation`, consuming ``firstRequestDelay``.
    mutating func takeDelay(for operation: NetBoxOperation) -> Duration {
        let first = firstRequestDelay
        firstRequestDelay = .zero
        return first + latency + (operationLatency[operation] ?? .zero)
    }

    /// Consumes one injected fault for the next request of `operation`, if any applies.
    mutating func takeFault(for operation: NetBoxOperation, delay: Duration, version: NetBoxVersion) -> NetBoxDisposition? {
        guard faultOperations.isEmpty || faultOperations.contains(operation) else { return nil }
        if failNextRequests > 0 {
            failNextRequests -= 1
            if failureStatus == 500 {
                let body = NetBoxJSON.object([
                    ("error", .string("injected failure")), ("exception", .string("OperationalError")),
                    ("netbox_version", .string(version.fullVersion)),
                    ("python_version", .string(version == .v4_4 ? "3.11.7" : "3.12.1")),
                ])
                return .respond(.json(500, body), delay: delay)
            }
            let page = "<html><head><title>\(failureStatus) Bad Gateway</title></head><body>injected failure</body></html>"
            return .respond(.html(failureStatus, page), delay: delay)
        }
        if resetNextConnections > 0 {
            resetNextConnections -= 1
            return .resetConnection(delay: delay)
        }
        if dropNextRequests > 0 {
            dropNextRequests -= 1
            return .noAnswer
        }
        if malformNextResponses > 0 {
            malformNextResponses -= 1
            return .respond(
                NetBoxResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(#"{"count":1,"next":null,"res"#.utf8)),
                delay: delay)
        }
        return nil
    }
}
