// The watcher's pure state machine: list page by page, then watch from the list's resourceVersion.
import KubeClient

/// One page of a list, as the watcher needs it.
public struct ListPage<Object: Sendable>: Sendable {
    /// The objects on this page.
    public var items: [Object]
    /// The list's snapshot resourceVersion (`metadata.resourceVersion`), constant across pages.
    public var resourceVersion: String?
    /// The token for the next page; nil or empty on the last page.
    public var continueToken: String?

    /// Makes a page.
    public init(items: [Object], resourceVersion: String?, continueToken: String? = nil) {
        self.items = items
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
    }
}

/// The pure state machine of a watcher (kube-rs `watcher.rs` `step_trampolined`).
///
/// ```
/// empty ──list──▶ paging(continue) ──last page──▶ listed(rv) ──open──▶ watching(rv)
///   ▲                                              ▲    │ clean end / idle / failure  │
///   └───────────── 410 Gone/Expired, list error ───┴────┴─────────────────────────────┘
/// ```
/// The driver asks ``nextRequest`` what to do, performs it and reports the outcome; each report returns
/// the events to emit and, possibly, an error value. Errors never end the watcher.
public struct WatcherStateMachine<Object: KubernetesObject>: Sendable {
    /// Where the watcher stands.
    public enum State: Equatable, Sendable {
        /// No usable position: the next step is a fresh list.
        case empty
        /// In the middle of a paged list.
        case paging(continueToken: String, resourceVersion: String?)
        /// Listed (or between watches) at this resourceVersion: the next step opens a watch from it.
        case listed(resourceVersion: String)
        /// A watch is open; the resourceVersion is the last one seen.
        case watching(resourceVersion: String)
    }

    /// The I/O the driver should perform next.
    public enum Request: Equatable, Sendable {
        /// List a page (nil token: the first page).
        case list(continueToken: String?)
        /// Open a watch from this resourceVersion.
        case watch(resourceVersion: String)
    }

    /// What a report produced: events to emit and maybe an error to report (then back off).
    public struct Step: Sendable {
        /// Events to emit, in order.
        public var events: [WatcherEvent<Object>]
        /// A failure to report; the driver backs off before its next request.
        public var error: WatcherError?

        init(events: [WatcherEvent<Object>] = [], error: WatcherError? = nil) {
            self.events = events
            self.error = error
        }
    }

    /// The current state.
    public private(set) var state: State = .empty

    /// Makes a watcher state machine that starts with a list.
    public init() {}

    /// What to do next.
    public var nextRequest: Request {
        switch state {
        case .empty: .list(continueToken: nil)
        case .paging(let token, _): .list(continueToken: token)
        case .listed(let resourceVersion), .watching(let resourceVersion): .watch(resourceVersion: resourceVersion)
        }
    }

    /// The last resourceVersion seen, if the watcher has a position.
    public var resourceVersion: String? {
        switch state {
        case .empty: nil
        case .paging(_, let resourceVersion): resourceVersion
        case .listed(let resourceVersion), .watching(let resourceVersion): resourceVersion
        }
    }

    // MARK: - List

    /// A list page arrived.
    public mutating func listSucceeded(_ page: ListPage<Object>) -> Step {
        var events: [WatcherEvent<Object>] = []
        var listVersion = page.resourceVersion
        switch state {
        case .paging(_, let earlier):
            listVersion = page.resourceVersion ?? earlier
        default:
            events.append(.initStarted)
        }
        events += page.items.map { .initApply($0) }
        if let token = page.continueToken, !token.isEmpty {
            state = .paging(continueToken: token, resourceVersion: listVersion)
            return Step(events: events)
        }
        guard let listVersion, !listVersion.isEmpty else {
            state = .empty
            return Step(events: events, error: .listWithoutResourceVersion)
        }
        state = .listed(resourceVersion: listVersion)
        events.append(.initDone)
        return Step(events: events)
    }

    /// A list request failed (including 410 Expired for a stale continue token): start the list over.
    public mutating func listFailed(_ error: any Error) -> Step {
        state = .empty
        return Step(error: .listFailed(error))
    }

    // MARK: - Watch

    /// The watch from the current resourceVersion is open.
    public mutating func watchStarted() {
        if case .listed(let resourceVersion) = state {
            state = .watching(resourceVersion: resourceVersion)
        }
    }

    /// Opening the watch failed. HTTP 410 means the resourceVersion is too old: relist.
    public mutating func watchStartFailed(_ error: any Error) -> Step {
        if isGone(error) { state = .empty }
        return Step(error: .watchStartFailed(error))
    }

    /// A watch event arrived.
    public mutating func received(_ event: WatchEvent<Object>) -> Step {
        guard case .watching(let current) = state else { return Step() }
        switch event {
        case .added(let object), .modified(let object):
            state = .watching(resourceVersion: object.metadata.resourceVersion ?? current)
            return Step(events: [.apply(object)])
        case .deleted(let object):
            state = .watching(resourceVersion: object.metadata.resourceVersion ?? current)
            return Step(events: [.delete(object)])
        case .bookmark(let resourceVersion):
            state = .watching(resourceVersion: resourceVersion.isEmpty ? current : resourceVersion)
            return Step()
        case .error(let status):
            let code = status.code ?? 0
            let reason = status.reason ?? ""
            let error = WatcherError.watchErrorEvent(code: code, reason: reason, message: status.message ?? "")
            if code == 410 || reason == "Expired" || reason == "Gone" {
                state = .empty
            }
            return Step(error: error)
        }
    }

    /// The server ended the watch cleanly (e.g. after `timeoutSeconds`): re-watch from the last
    /// resourceVersion, without relisting.
    public mutating func watchEnded() {
        if case .watching(let resourceVersion) = state {
            state = .listed(resourceVersion: resourceVersion)
        }
    }

    /// The watch stream failed while reading: re-watch from the last resourceVersion (relist on 410).
    public mutating func watchFailed(_ error: any Error) -> Step {
        if isGone(error) {
            state = .empty
        } else {
            watchEnded()
        }
        return Step(error: .watchFailed(error))
    }

    /// No event arrived within the idle limit: treat the connection as dead and re-watch.
    public mutating func watchIdleTimedOut(after limit: Duration) -> Step {
        watchEnded()
        return Step(error: .idleTimeout(limit))
    }
}

/// Whether `error` is the API server saying the resourceVersion (or continue token) is too old.
func isGone(_ error: any Error) -> Bool {
    guard let apiError = error as? KubeAPIError else { return false }
    return apiError.code == 410
}
