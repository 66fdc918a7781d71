// Event predicates: which changes are worth a reconcile (controller-runtime `predicate`, kube-rs `predicates`).
import KubeClient

/// Decides whether a change reaches a controller; `true` passes it on.
public typealias ChangeFilter<Object: Sendable> = @Sendable (ObjectChange<Object>) -> Bool

/// Ready-made ``ChangeFilter``s.
public enum ChangeFilters {
    /// Passes everything.
    public static func all<Object: Sendable>(_ change: ObjectChange<Object>) -> Bool { true }

    /// Passes additions, deletions and modifications of labels, uid, deletionTimestamp, finalizers,
    /// ownerReferences or generation; drops everything else, e.g. a kubelet's Node status heartbeat
    /// (which changes only status and resourceVersion).
    public static func metadataChanged<Object: KubernetesObject>(_ change: ObjectChange<Object>) -> Bool {
        guard case .modified(let old, let new) = change else { return true }
        let before = old.metadata
        let after = new.metadata
        return before.labels != after.labels || before.uid != after.uid || before.deletionTimestamp != after.deletionTimestamp
            || before.finalizers != after.finalizers || before.ownerReferences != after.ownerReferences
            || before.generation != after.generation
    }
}
