// Decides whether an event is new or a repeat to fold into an existing event's series (pure).
import KubeClient

/// What to publish for one event occurrence.
public enum EventWrite: Sendable, Equatable {
    /// Create a new Event object.
    case create
    /// Merge-patch `series {count, lastObservedTime}` onto the existing Event `name` in `namespace`.
    case updateSeries(name: String, namespace: String, count: Int)
}

/// Remembers recent events so repeats within ``window`` become a series update instead of a new
/// object (kube-rs `events.rs`, client-go events v1: 6 minutes).
public struct EventSeriesCache: Sendable {
    /// The identity of an event for deduplication: everything but the time.
    public struct Key: Hashable, Sendable {
        /// The object the event is about.
        public var regarding: ObjectReference
        /// A second object involved, if any.
        public var related: ObjectReference?
        /// `Normal` or `Warning`.
        public var type: String
        /// Why (PascalCase).
        public var reason: String
        /// What was done.
        public var action: String
        /// Human-readable details.
        public var note: String?

        /// Makes a key.
        public init(regarding: ObjectReference, related: ObjectReference?, type: String, reason: String, action: String, note: String?) {
            self.regarding = regarding
            self.related = related
            self.type = type
            self.reason = reason
            self.action = action
            self.note = note
        }
    }

    private struct Entry: Sendable {
        var name: String
        var namespace: String
        var count: Int
        var lastObserved: Duration
    }

    /// Repeats closer than this to the previous occurrence join its series. Default 6 minutes.
    public let window: Duration
    private var entries: [Key: Entry] = [:]

    /// Makes an empty cache.
    public init(window: Duration = .seconds(360)) {
        self.window = window
    }

    /// Decides what to publish for an occurrence of `key` at local time `now`, and counts it.
    public mutating func occurrence(of key: Key, now: Duration) -> EventWrite {
        entries = entries.filter { now - $0.value.lastObserved < window }
        guard var entry = entries[key] else { return .create }
        entry.count += 1
        entry.lastObserved = now
        entries[key] = entry
        return .updateSeries(name: entry.name, namespace: entry.namespace, count: entry.count)
    }

    /// Notes that an Event named `name` was created for `key` at `now` (the first of a possible series).
    public mutating func created(_ key: Key, name: String, namespace: String, now: Duration) {
        entries[key] = Entry(name: name, namespace: namespace, count: 1, lastObserved: now)
    }

    /// Forgets `key` (e.g. when its Event could not be patched because it is gone).
    public mutating func forget(_ key: Key) {
        entries[key] = nil
    }
}
