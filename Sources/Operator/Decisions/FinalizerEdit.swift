// Guarded JSON patches that put our finalizer in place of the legacy one, or take ours (and it) away.
import KubeClient

/// Edits of `metadata.finalizers` as JSON patches guarded by a `test` of the current list, so a
/// concurrent change makes the patch fail (and the reconcile retry) instead of losing an entry.
public enum FinalizerEdit {
    /// The patch that makes `finalizers` contain `ours` and not `legacy` (adoption of objects of the
    /// original controller), or nil when nothing needs to change.
    public static func adopt(_ finalizers: [String], ours: String, legacy: String) -> [JSONPatchOperation]? {
        var wanted = finalizers.filter { $0 != legacy }
        if !wanted.contains(ours) { wanted.append(ours) }
        return replace(finalizers, with: wanted)
    }

    /// The patch that removes every name in `names` from `finalizers`, or nil when none is present.
    public static func remove(_ names: Set<String>, from finalizers: [String]) -> [JSONPatchOperation]? {
        replace(finalizers, with: finalizers.filter { !names.contains($0) })
    }

    private static func replace(_ current: [String], with wanted: [String]) -> [JSONPatchOperation]? {
        guard wanted != current else { return nil }
        let pointer: JSONPointer = ["metadata", "finalizers"]
        // `null` also matches a missing member (kube-apiserver and the emulator).
        let currentValue: JSONValue = current.isEmpty ? .null : .array(current.map { .string($0) })
        return [
            .test(path: pointer, value: currentValue),
            current.isEmpty
                ? .add(path: pointer, value: .array(wanted.map { .string($0) }))
                : .replace(path: pointer, value: .array(wanted.map { .string($0) })),
        ]
    }
}
