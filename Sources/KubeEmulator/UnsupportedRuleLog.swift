// Logs each unsupported CEL validation rule once, so skipped validation is visible but not noisy.
import Logging
import Synchronization

/// Remembers which `x-kubernetes-validations` rules were skipped and logs each the first time.
final class UnsupportedRuleLog: Sendable {
    static let shared = UnsupportedRuleLog()

    private let seen = Mutex<Set<String>>([])
    private let logger = Logger(label: "kube-emulator.validation")

    func note(_ rules: Set<String>) {
        let fresh = seen.withLock { seen -> [String] in
            let new = rules.subtracting(seen)
            seen.formUnion(new)
            return new.sorted()
        }
        for rule in fresh {
            logger.warning("CEL rule not supported by the emulator; it is not enforced", metadata: ["rule": "\(rule)"])
        }
    }
}
