// Pure decision whether a stream has missed its head or idle deadline, and when to look again.

/// The client-side timeouts of one streaming transfer that libcurl cannot express: the response head
/// must arrive within `headTimeout` of the start, and after it bytes must keep arriving at least every
/// `idleTimeout` (time held back for a slow consumer does not count).
struct StreamDeadlines<Instant: InstantProtocol> where Instant.Duration == Duration {
    /// What the engine should do with the transfer.
    enum Verdict: Equatable {
        /// Fail the transfer with this error.
        case expired(HTTPError)
        /// Look again at this instant at the latest; `nil`: no deadline applies.
        case checkAgain(at: Instant?)
    }

    var started: Instant
    var headTimeout: Duration?
    var idleTimeout: Duration?
    var url: String

    /// The verdict at `now` for a transfer whose head has or has not arrived, whose bytes last arrived at
    /// `lastActivity`, and which may be paused for backpressure.
    func verdict(now: Instant, headReceived: Bool, lastActivity: Instant, pausedForBackpressure: Bool) -> Verdict {
        if !headReceived {
            guard let headTimeout else { return .checkAgain(at: nil) }
            let deadline = started.advanced(by: headTimeout)
            if deadline <= now {
                return .expired(
                    .timedOut("\(url) sent no response headers within \(CurlErrorMapping.format(headTimeout))"))
            }
            return .checkAgain(at: deadline)
        }
        if let idleTimeout, !pausedForBackpressure {
            let deadline = lastActivity.advanced(by: idleTimeout)
            if deadline <= now {
                return .expired(
                    .timedOut(
                        "the stream from \(url) received no bytes for \(CurlErrorMapping.format(idleTimeout)); "
                            + "the server or the network path may be stuck"))
            }
            return .checkAgain(at: deadline)
        }
        return .checkAgain(at: nil)
    }
}
