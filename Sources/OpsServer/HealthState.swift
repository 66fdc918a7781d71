// Liveness and readiness as reported on /healthz and /readyz.
import Synchronization

/// What `/healthz` and `/readyz` answer. Components flip their own named checks.
public final class HealthState: Sendable {
    private let checks = Mutex<[String: Check]>([:])

    private struct Check: Sendable {
        var ready: Bool
        var message: String
    }

    public init() {}

    /// Registers or updates a readiness check. `/readyz` is OK only when every check is ready.
    public func set(_ name: String, ready: Bool, message: String = "") {
        checks.withLock { $0[name] = Check(ready: ready, message: message) }
    }

    /// Whether every registered readiness check passes.
    public var isReady: Bool { checks.withLock { $0.values.allSatisfy(\.ready) } }

    /// One line per check (`[+]name ok` / `[-]name: message`), sorted, as kube-apiserver's verbose output.
    public func report() -> String {
        checks.withLock { checks in
            checks.keys.sorted().map { name in
                let check = checks[name] ?? Check(ready: false, message: "")
                return check.ready ? "[+]\(name) ok" : "[-]\(name) failed: \(check.message)"
            }.joined(separator: "\n")
        }
    }
}
