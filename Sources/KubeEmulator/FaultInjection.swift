// Fault injection and request accounting: injected failures, latency, and per-verb/resource counters.
import Synchronization

/// Identifies a request class in the counters: verb (`get`, `list`, `watch`, `create`, `update`, `patch`,
/// `delete`, `deletecollection`) and resource (`plural.group`, with `/status` for the status subresource).
public struct RequestCountKey: Hashable, Sendable, CustomStringConvertible {
    /// The Kubernetes verb.
    public var verb: String
    /// `plural` for the core group, else `plural.group`; `/status` appended for the status subresource.
    public var resource: String

    /// Creates a key.
    public init(verb: String, resource: String) {
        self.verb = verb
        self.resource = resource
    }

    /// `verb resource`.
    public var description: String { "\(verb) \(resource)" }

    /// Whether the verb changes state.
    public var isWrite: Bool { ["create", "update", "patch", "delete", "deletecollection"].contains(verb) }
}

/// A failure to inject into upcoming requests.
public struct InjectedFailure: Sendable {
    /// How many matching requests still fail.
    public var remaining: Int
    /// The HTTP status code to answer with (the `Status.reason` follows from it: 409 Conflict, 429 TooManyRequests, …).
    public var status: Int
    /// Only requests whose path contains this string fail (`nil`: any path).
    public var pathContaining: String?
    /// Only requests with this HTTP method fail (`nil`: any method).
    public var method: String?
    /// The Status message (`nil`: a generic "injected failure").
    public var message: String?

    /// Creates a failure for the next `count` matching requests.
    public init(count: Int, status: Int, pathContaining: String? = nil, method: String? = nil, message: String? = nil) {
        self.remaining = count
        self.status = status
        self.pathContaining = pathContaining
        self.method = method
        self.message = message
    }

    func matches(method requestMethod: String, path: String) -> Bool {
        if let pathContaining, !path.contains(pathContaining) { return false }
        if let method, method.uppercased() != requestMethod.uppercased() { return false }
        return true
    }
}

/// Mutable fault and counter state, kept apart from the cluster state so counting never contends with writes.
final class FaultController: Sendable {
    private struct State {
        var failures: [InjectedFailure] = []
        var latency: Duration = .zero
        var counts: [RequestCountKey: Int] = [:]
    }

    private let state = Mutex(State())

    func inject(_ failure: InjectedFailure) {
        state.withLock { $0.failures.append(failure) }
    }

    func clearFailures() {
        state.withLock { $0.failures.removeAll() }
    }

    var latency: Duration {
        get { state.withLock { $0.latency } }
        set { state.withLock { $0.latency = newValue } }
    }

    /// Consumes one matching injected failure, if any.
    func takeFailure(method: String, path: String) -> APIError? {
        state.withLock { state in
            guard let index = state.failures.firstIndex(where: { $0.remaining > 0 && $0.matches(method: method, path: path) }) else {
                return nil
            }
            let failure = state.failures[index]
            state.failures[index].remaining -= 1
            if state.failures[index].remaining <= 0 { state.failures.remove(at: index) }
            return APIError.injected(code: failure.status, message: failure.message)
        }
    }

    func count(_ key: RequestCountKey) {
        state.withLock { $0.counts[key, default: 0] += 1 }
    }

    var counts: [RequestCountKey: Int] { state.withLock { $0.counts } }

    func resetCounts() {
        state.withLock { $0.counts.removeAll() }
    }
}
