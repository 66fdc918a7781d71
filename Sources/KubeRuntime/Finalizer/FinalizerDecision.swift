// The finalizer table as a pure function: (has finalizer, deleting) → what to do, with its JSON patch.
import KubeClient

/// What to do with an object given one finalizer (kube-rs `finalizer.rs`, controller-runtime `pkg/finalizer`).
///
/// | has finalizer | deleting | decision |
/// |---|---|---|
/// | yes | no  | ``apply`` |
/// | yes | yes | ``cleanup(removal:)``: clean up, then remove it with the given patch |
/// | no  | no  | ``addFinalizer(patch:)``; the patch's watch event triggers the next reconcile |
/// | no  | yes | ``nothing``: not ours to clean up (apply never ran) |
public enum FinalizerDecision: Sendable, Equatable {
    /// Run the object's normal reconcile.
    case apply
    /// Run cleanup; on success remove the finalizer with `removal` (test + remove at its index, so a
    /// concurrent change to the list makes the patch fail instead of removing the wrong entry).
    case cleanup(removal: [JSONPatchOperation])
    /// Add the finalizer with `patch` (test the current list, then add), then wait for the change.
    case addFinalizer(patch: [JSONPatchOperation])
    /// Do nothing.
    case nothing

    /// Decides for `metadata` and the finalizer `name`.
    public static func decide(for metadata: ObjectMeta, finalizer name: String) -> FinalizerDecision {
        let finalizers = metadata.finalizers
        let pointer: JSONPointer = ["metadata", "finalizers"]
        switch (finalizers.firstIndex(of: name), metadata.deletionTimestamp != nil) {
        case (.some, false):
            return .apply
        case (.some(let index), true):
            return .cleanup(removal: [
                .test(path: pointer.appending(index: index), value: .string(name)),
                .remove(path: pointer.appending(index: index)),
            ])
        case (nil, false):
            if finalizers.isEmpty {
                // `null` also matches a missing member on kube-apiserver.
                return .addFinalizer(patch: [
                    .test(path: pointer, value: .null),
                    .add(path: pointer, value: .array([.string(name)])),
                ])
            }
            return .addFinalizer(patch: [
                .test(path: pointer, value: .array(finalizers.map { .string($0) })),
                .add(path: pointer.appending("-"), value: .string(name)),
            ])
        case (nil, true):
            return .nothing
        }
    }
}
