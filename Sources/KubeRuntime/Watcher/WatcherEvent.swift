// What a watcher tells its consumers: list phases and changes to single objects.

/// A change reported by a ``Watcher`` (kube-rs `watcher::Event`).
public enum WatcherEvent<Object: Sendable>: Sendable {
    /// A (re)list begins: consumers that cache should start a fresh buffer.
    case initStarted
    /// An object from the (re)list.
    case initApply(Object)
    /// The (re)list is complete: the buffer is now the full state.
    case initDone
    /// An object was added or modified.
    case apply(Object)
    /// An object was deleted (its last state). Best-effort: use finalizers for work that must happen.
    case delete(Object)

    /// The object the event carries, if any.
    public var object: Object? {
        switch self {
        case .initApply(let object), .apply(let object), .delete(let object): object
        case .initStarted, .initDone: nil
        }
    }

    /// The same event with its object replaced by `transform(object)`.
    public func map(_ transform: (Object) -> Object) -> WatcherEvent<Object> {
        switch self {
        case .initStarted: .initStarted
        case .initApply(let object): .initApply(transform(object))
        case .initDone: .initDone
        case .apply(let object): .apply(transform(object))
        case .delete(let object): .delete(transform(object))
        }
    }
}
