// Faults the emulator can inject, as a plain value the emulator actor consumes request by request.
import EmulatorSupport

/// Injected misbehaviour: latency, HTTP 5xx, connection resets and unreadable bodies.
public struct PhpIPAMFaults: Sendable, Equatable {
    /// Added before every answer (also before resets and injected errors).
    public var latency: Duration = .zero
    /// How many of the next requests get `failureStatus` with an HTML body instead of being handled.
    public var failNextRequests = 0
    /// The status of injected failures (a 5xx).
    public var failureStatus = 503
    /// How many of the next requests get their TCP connection reset instead of an answer.
    public var resetNextConnections = 0
    /// How many of the next requests get `200` with a truncated JSON body instead of being handled.
    public var malformNextResponses = 0

    public init() {}
}

/// What the network layer does with one request: answer or reset the connection (phpIPAM never stays silent).
public typealias PhpIPAMDisposition = EmulatorDisposition

extension PhpIPAMFaults {
    /// Consumes one injected fault for the next request, if any is pending.
    mutating func takeFault() -> PhpIPAMDisposition? {
        if resetNextConnections > 0 {
            resetNextConnections -= 1
            return .resetConnection(delay: latency)
        }
        if failNextRequests > 0 {
            failNextRequests -= 1
            let page = "<html><head><title>\(failureStatus) Service Unavailable</title></head><body>injected failure</body></html>"
            return .respond(.html(failureStatus, page), delay: latency)
        }
        if malformNextResponses > 0 {
            malformNextResponses -= 1
            let body = Array(#"{"code":200,"success":true,"data":{"id":"#.utf8)
            return .respond(
                PhpIPAMResponse(status: 200, headers: [("Content-Type", "application/json; charset=utf-8")], body: body),
                delay: latency)
        }
        return nil
    }
}
