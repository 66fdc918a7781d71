// The work queue's pure state: one entry per key, earliest time wins, never two runs of a key at once.
import HeapModule

/// The pure state of the work queue (kube-rs `scheduler.rs` + `runner.rs`, client-go `workqueue`).
///
/// Rules:
/// - One entry per key: scheduling a key again keeps the earlier of the two times.
/// - A key never runs twice at once: a key scheduled while it runs is parked ("dirty") and becomes
///   pending when its run finishes, so it runs again right after.
/// - At most `concurrency` keys run at once.
///
/// Times are `Duration`s on a ``RuntimeClock``.
public struct WorkQueueState<Key: Hashable & Sendable>: Sendable {
    /// What the queue's driver should do next.
    public enum Next: Equatable, Sendable {
        /// Start a run of this key now (the key is now marked running).
        case run(Key)
        /// Nothing is due yet: sleep until this time (or until something is scheduled).
        case sleep(until: Duration)
        /// Nothing can start: the queue is empty or every slot is busy. Wait for a schedule or a finish.
        case wait
    }

    private struct Entry: Comparable {
        let due: Duration
        let sequence: UInt64
        let key: Key

        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence) }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.due == rhs.due && lhs.sequence == rhs.sequence }
    }

    /// The largest number of keys running at once (at least 1).
    public let concurrency: Int
    private var heap = Heap<Entry>()
    /// Pending keys and the heap entry (by sequence) that currently represents each one.
    private var pending: [Key: (due: Duration, sequence: UInt64)] = [:]
    private var dirty: [Key: Duration] = [:]
    private var runningKeys: Set<Key> = []
    private var sequence: UInt64 = 0

    /// Makes an empty queue that runs at most `concurrency` keys at once.
    public init(concurrency: Int) {
        self.concurrency = max(1, concurrency)
    }

    /// Keys running now.
    public var running: Set<Key> { runningKeys }
    /// Number of keys waiting for their time (not counting parked re-runs of running keys).
    public var pendingCount: Int { pending.count }
    /// Keys whose time has come but that wait for a free slot (client-go's queue depth).
    public func dueCount(now: Duration) -> Int { pending.values.count { $0.due <= now } }
    /// How long the key ``next(now:)`` last started had been due (client-go's queue duration).
    public private(set) var lastStartWait: Duration = .zero
    /// When `key` is next due, if it is pending or parked behind its own run.
    public func scheduledTime(of key: Key) -> Duration? { pending[key]?.due ?? dirty[key] }
    /// Whether nothing is pending, parked or running.
    public var isIdle: Bool { pending.isEmpty && dirty.isEmpty && runningKeys.isEmpty }

    /// Schedules `key` at `time`; an existing earlier schedule wins, a later one is replaced.
    /// Returns whether the schedule changed (the driver may need to wake up).
    @discardableResult
    public mutating func schedule(_ key: Key, at time: Duration) -> Bool {
        if runningKeys.contains(key) {
            if let parked = dirty[key], parked <= time { return false }
            dirty[key] = time
            return true
        }
        if let existing = pending[key], existing.due <= time { return false }
        sequence += 1
        pending[key] = (time, sequence)
        heap.insert(Entry(due: time, sequence: sequence, key: key))
        return true
    }

    /// Removes a pending or parked schedule of `key` (a running key keeps running).
    public mutating func cancel(_ key: Key) {
        pending[key] = nil
        dirty[key] = nil
    }

    /// Decides what to do at `now`: start the earliest due key if a slot is free, else sleep or wait.
    public mutating func next(now: Duration) -> Next {
        dropStaleEntries()
        guard let earliest = heap.min else { return .wait }
        guard runningKeys.count < concurrency else { return .wait }
        guard earliest.due <= now else { return .sleep(until: earliest.due) }
        _ = heap.popMin()
        pending[earliest.key] = nil
        runningKeys.insert(earliest.key)
        lastStartWait = now - earliest.due
        return .run(earliest.key)
    }

    /// Marks the run of `key` finished. A schedule parked during the run, and `reschedule` (the run's own
    /// requeue), become pending; the earlier one wins.
    public mutating func finish(_ key: Key, reschedule: Duration?) {
        runningKeys.remove(key)
        let parked = dirty.removeValue(forKey: key)
        let times = [parked, reschedule].compactMap { $0 }
        if let earliest = times.min() {
            schedule(key, at: earliest)
        }
    }

    /// Pops heap entries that no longer represent their key's schedule (replaced or cancelled).
    private mutating func dropStaleEntries() {
        while let top = heap.min {
            if let current = pending[top.key], current.sequence == top.sequence { return }
            _ = heap.popMin()
        }
    }
}
