// The watcher's failures, reported as values: every one is retried after a backoff.

/// A watcher failure. The watcher reports these as values and keeps going (after a backoff); none ends it.
public enum WatcherError: Error, Sendable, CustomStringConvertible {
    /// A list request failed; the watcher will list again.
    case listFailed(any Error)
    /// A list completed without a resourceVersion, so a watch cannot start from it.
    case listWithoutResourceVersion
    /// Opening the watch failed; the watcher will retry from the same resourceVersion (or relist on 410).
    case watchStartFailed(any Error)
    /// The server sent an ERROR event; `code` 410 means the resourceVersion is too old (relist).
    case watchErrorEvent(code: Int, reason: String, message: String)
    /// The watch stream failed while reading.
    case watchFailed(any Error)
    /// No event (not even a bookmark) arrived for longer than the watch timeout plus grace.
    case idleTimeout(Duration)

    /// Whether the failure made the watcher drop its position and relist.
    public var causesRelist: Bool {
        switch self {
        case .watchErrorEvent(let code, let reason, _): code == 410 || reason == "Expired" || reason == "Gone"
        case .listFailed, .listWithoutResourceVersion: true
        case .watchStartFailed(let error), .watchFailed(let error): isGone(error)
        case .idleTimeout: false
        }
    }

    /// Whether this is the routine expiry of a resourceVersion (410 Gone): the watcher relists and nothing
    /// is wrong, so it is logged at debug level.
    public var isRoutineExpiry: Bool {
        switch self {
        case .listFailed, .listWithoutResourceVersion: false
        default: causesRelist
        }
    }

    /// A one-line explanation for logs and users.
    public var description: String {
        switch self {
        case .listFailed(let error):
            "listing failed (will relist after a backoff): \(error)"
        case .listWithoutResourceVersion:
            "the list response had no metadata.resourceVersion, so no watch can start from it; is this a real API server?"
        case .watchStartFailed(let error):
            isGone(error)
                ? "opening the watch failed because the resourceVersion is too old (relisting): \(error)"
                : "opening the watch failed (will retry after a backoff): \(error)"
        case .watchErrorEvent(let code, let reason, let message):
            "the watch reported an error \(code) \(reason): \(message)"
                + (code == 410 ? " (resourceVersion too old; relisting)" : "")
        case .watchFailed(let error):
            isGone(error)
                ? "the watch failed because the resourceVersion is too old (relisting): \(error)"
                : "the watch stream failed (will re-watch from the last resourceVersion): \(error)"
        case .idleTimeout(let limit):
            "no watch event for \(limit); treating the connection as dead and re-watching"
        }
    }
}
