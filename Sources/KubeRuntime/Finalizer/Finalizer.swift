// Runs apply/cleanup around one finalizer, adding and removing it with guarded JSON patches.
import KubeClient

/// What the finalizer asks the reconciler to do.
public enum FinalizerEvent<Object: Sendable>: Sendable {
    /// The object is live and carries the finalizer: make the world match it. Must be idempotent.
    case apply(Object)
    /// The object is being deleted: undo what `apply` did. Must be idempotent and cope with `apply`
    /// never having run. The finalizer is removed only after this returns.
    case cleanup(Object)
}

/// Which step of the finalizer flow failed; the cause is kept. All are retryable unless the cause is a
/// ``TerminalError`` (then the whole error is rethrown wrapped in one).
public enum FinalizerError: Error, Sendable, CustomStringConvertible {
    /// The reconciler's `apply` failed.
    case applyFailed(any Error)
    /// The reconciler's `cleanup` failed; the finalizer stays, so deletion waits.
    case cleanupFailed(any Error)
    /// Adding the finalizer failed (a failed `test` or a conflict means the object changed: retry).
    case addFinalizerFailed(any Error)
    /// Removing the finalizer failed (the object changed or the server refused: retry).
    case removeFinalizerFailed(any Error)

    /// A one-line explanation for logs and users.
    public var description: String {
        switch self {
        case .applyFailed(let error): "apply failed: \(error)"
        case .cleanupFailed(let error): "cleanup failed (the finalizer stays until it succeeds): \(error)"
        case .addFinalizerFailed(let error): "adding the finalizer failed (will retry): \(error)"
        case .removeFinalizerFailed(let error): "removing the finalizer failed (will retry): \(error)"
        }
    }
}

/// A finalizer name that is not domain-qualified (`example.com/name`).
public struct FinalizerNameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The rejected name.
    public let name: String
    /// A one-line explanation for logs and users.
    public var description: String {
        "finalizer name \"\(name)\" is not domain-qualified; use the form \"example.com/what-it-guards\""
    }
}

/// Guards cleanup with one finalizer (kube-rs `finalizer()`).
///
/// Guarantee: if `apply` ever started for an object, `cleanup` succeeds before the object disappears.
/// Both steps run at most one at a time per object (the controller's queue ensures it).
public struct Finalizer<Object: KubernetesObject>: Sendable {
    /// The finalizer's domain-qualified name.
    public let name: String
    private let patch: @Sendable (Object, [JSONPatchOperation]) async throws -> Void

    /// Makes a finalizer helper.
    /// - Parameters:
    ///   - name: domain-qualified and unique per controller, e.g. `iks.ibm.com/overlay-ip`.
    ///   - patch: sends a JSON patch to the object (e.g. `client.patch(…, patch: .json(operations))`).
    public init(name: String, patch: @escaping @Sendable (Object, [JSONPatchOperation]) async throws -> Void) throws(FinalizerNameError) {
        guard Self.isDomainQualified(name) else { throw FinalizerNameError(name: name) }
        self.name = name
        self.patch = patch
    }

    /// Whether `name` has the form `domain.tld/path`.
    public static func isDomainQualified(_ name: String) -> Bool {
        let parts = name.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return false }
        let domain = parts[0]
        return domain.contains(".") && !domain.hasPrefix(".") && !domain.hasSuffix(".")
            && domain.allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
    }

    /// Runs the finalizer flow for `object`, calling `reconcile` for apply or cleanup as the table says.
    public func run(
        _ object: Object, reconcile: (FinalizerEvent<Object>) async throws -> Action
    ) async throws -> Action {
        switch FinalizerDecision.decide(for: object.metadata, finalizer: name) {
        case .apply:
            do {
                return try await reconcile(.apply(object))
            } catch {
                throw Self.wrap(error, FinalizerError.applyFailed)
            }
        case .cleanup(let removal):
            let action: Action
            do {
                action = try await reconcile(.cleanup(object))
            } catch {
                throw Self.wrap(error, FinalizerError.cleanupFailed)
            }
            do {
                try await patch(object, removal)
            } catch {
                throw FinalizerError.removeFinalizerFailed(error)
            }
            return action
        case .addFinalizer(let operations):
            do {
                try await patch(object, operations)
            } catch {
                throw FinalizerError.addFinalizerFailed(error)
            }
            return .awaitChange
        case .nothing:
            return .awaitChange
        }
    }

    /// Keeps a reconciler's ``TerminalError`` terminal while saying which step failed.
    private static func wrap(_ error: any Error, _ step: (any Error) -> FinalizerError) -> any Error {
        if let terminal = error as? TerminalError {
            return TerminalError(step(terminal.underlying))
        }
        return step(error)
    }
}
