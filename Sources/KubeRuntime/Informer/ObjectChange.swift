// One change to a cached object with its previous state, as shared informers hand it to their subscribers.

/// What changed in an ``Informer``'s cache (client-go's `OnAdd`/`OnUpdate`/`OnDelete`, controller-runtime's
/// create/update/delete events). A relist reports objects that appeared, changed (another
/// resourceVersion) or vanished while the watch was down as `added`, `modified` and `deleted`; objects
/// it finds unchanged are not reported.
public enum ObjectChange<Object: Sendable>: Sendable {
    /// The object appeared (also every object of the first list).
    case added(Object)
    /// The object was modified; `old` is what the cache held before.
    case modified(old: Object, new: Object)
    /// The object was deleted; this is its last known state.
    case deleted(Object)

    /// The object as it is now (its last state for a deletion).
    public var object: Object {
        switch self {
        case .added(let object), .modified(_, let object), .deleted(let object): object
        }
    }

    /// The state before a modification; nil for additions and deletions.
    public var old: Object? {
        if case .modified(let old, _) = self { return old }
        return nil
    }
}
