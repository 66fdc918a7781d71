// Bearer credentials: a fixed token, or a token file re-read every minute and after a 401.
import FoundationEssentials
import FoundationExtras
import Synchronization

/// Supplies the `Authorization` header and reacts to a 401.
protocol CredentialProvider: Sendable {
    /// The current `Authorization` header value, or `nil` to send none.
    func authorization() -> String?
    /// Called after a 401 answered a request sent with `used`; re-reads the credentials.
    ///
    /// - Returns: `true` when the credentials changed, so one retry may succeed.
    func refreshAfterUnauthorized(used: String?) -> Bool
}

/// No `Authorization` header (client certificates, or anonymous).
struct NoCredentials: CredentialProvider {
    func authorization() -> String? { nil }
    func refreshAfterUnauthorized(used: String?) -> Bool { false }
}

/// A token that never changes (kubeconfig `token`).
struct StaticTokenCredentials: CredentialProvider {
    let token: String
    func authorization() -> String? { "Bearer \(token)" }
    func refreshAfterUnauthorized(used: String?) -> Bool { false }
}

/// A bearer token read from a file that the kubelet rotates (bound service-account tokens expire).
///
/// The file is read at least once per `reloadInterval` (one minute, like kube-rs' `TokenFile`); when a
/// read fails the last good token stays in use. `refreshAfterUnauthorized` re-reads immediately.
public final class TokenFileCredentials<C: Clock>: Sendable, CredentialProvider where C.Duration == Duration {
    /// The token file.
    public let path: String
    /// How often the file is re-read.
    public let reloadInterval: Duration
    private let clock: C
    private let readFile: @Sendable (String) throws -> String
    private let state: Mutex<State>

    private struct State {
        var token: String?
        var readAt: C.Instant?
    }

    /// Credentials from the token file at `path`, re-read every `reloadInterval` of `clock`.
    ///
    /// - Parameter readFile: reads a file as text; injectable for tests.
    public init(
        path: String, reloadInterval: Duration = .seconds(60), clock: C,
        readFile: @escaping @Sendable (String) throws -> String = { try String(contentsOfFile: $0, encoding: .utf8) }
    ) {
        self.path = path
        self.reloadInterval = reloadInterval
        self.clock = clock
        self.readFile = readFile
        self.state = Mutex(State())
    }

    /// The current token, re-reading the file when it was last read `reloadInterval` ago or more.
    public func token() -> String? {
        let now = clock.now
        return state.withLock { state in
            if let readAt = state.readAt, state.token != nil, readAt.duration(to: now) < reloadInterval {
                return state.token
            }
            reload(&state, now: now)
            return state.token
        }
    }

    /// Re-reads the file now; keeps the previous token when the read fails or the file is empty.
    ///
    /// - Returns: the token after the re-read.
    @discardableResult
    public func reloadNow() -> String? {
        let now = clock.now
        return state.withLock { state in
            reload(&state, now: now)
            return state.token
        }
    }

    private func reload(_ state: inout State, now: C.Instant) {
        // A failed read still counts as a read: the last good token is kept and the file is tried again
        // after the interval (or at the next 401), not on every request.
        state.readAt = now
        guard let text = try? readFile(path) else { return }
        let token = text.trimmingWhitespaceAndNewlines()
        if !token.isEmpty { state.token = token }
    }

    func authorization() -> String? { token().map { "Bearer \($0)" } }

    func refreshAfterUnauthorized(used: String?) -> Bool {
        let fresh = reloadNow().map { "Bearer \($0)" }
        return fresh != nil && fresh != used
    }
}
