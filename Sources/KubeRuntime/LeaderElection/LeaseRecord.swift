// The leader-election fields of a Lease, and the pure decision of what to do with them.
import FoundationEssentials

/// The leader-election view of a `coordination.k8s.io/v1` Lease's spec.
public struct LeaseRecord: Sendable, Equatable {
    /// Who holds the lease; empty or nil when released.
    public var holderIdentity: String?
    /// How long the lease is valid after a renewal, in seconds.
    public var leaseDurationSeconds: Int
    /// When the current holder acquired it (wall clock; informational only).
    public var acquireTime: Date?
    /// When the holder last renewed it (wall clock; informational only, never used for expiry).
    public var renewTime: Date?
    /// How many times the holder changed.
    public var leaseTransitions: Int

    /// Makes a record.
    public init(holderIdentity: String?, leaseDurationSeconds: Int, acquireTime: Date?, renewTime: Date?, leaseTransitions: Int) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}

/// What an elector should do after reading the Lease (client-go `tryAcquireOrRenew`).
public enum LeaseDecision: Sendable, Equatable {
    /// No Lease exists: create it with this record.
    case create(LeaseRecord)
    /// Write this record with a PUT conditioned on the read resourceVersion (acquire or renew).
    case update(LeaseRecord)
    /// Someone else holds a lease that has not expired by local observation; try again later.
    case follow(holder: String, expiresAt: Duration)
}

/// What an elector remembers about the Lease between attempts: the last record it saw and the local time
/// at which that record last changed. Expiry is judged from this local time only, never from the remote
/// timestamps, so clock skew between nodes cannot cause two leaders (client-go `observedTime`).
public struct LeaseObservation: Sendable, Equatable {
    /// The last record seen.
    public private(set) var record: LeaseRecord?
    /// Local time at which `record` was first seen in its current form.
    public private(set) var observedTime: Duration?

    /// Makes an empty observation (nothing seen yet).
    public init() {}

    /// Notes `record` as read at local time `now`; the observed time moves only if the record changed.
    public mutating func observe(_ record: LeaseRecord?, at now: Duration) {
        if record != self.record || observedTime == nil {
            self.record = record
            observedTime = now
        }
    }

    /// Decides what to do with the Lease just read (`current`, nil when it does not exist).
    /// - Parameters:
    ///   - now: local monotonic time.
    ///   - wallClock: the wall-clock time written into acquire/renew timestamps.
    public mutating func decide(
        current: LeaseRecord?, now: Duration, wallClock: Date, identity: String, leaseDuration: Duration
    ) -> LeaseDecision {
        let seconds = Int(leaseDuration.components.seconds)
        guard let current else {
            return .create(
                LeaseRecord(
                    holderIdentity: identity, leaseDurationSeconds: seconds, acquireTime: wallClock, renewTime: wallClock,
                    leaseTransitions: 0))
        }
        observe(current, at: now)
        let holder = current.holderIdentity ?? ""
        let expiresAt = (observedTime ?? now) + .seconds(current.leaseDurationSeconds)
        if !holder.isEmpty, holder != identity, expiresAt > now {
            return .follow(holder: holder, expiresAt: expiresAt)
        }
        var next = current
        next.holderIdentity = identity
        next.leaseDurationSeconds = seconds
        next.renewTime = wallClock
        if holder != identity {
            next.acquireTime = wallClock
            next.leaseTransitions = current.leaseTransitions + 1
        }
        return .update(next)
    }

    /// Notes a record this elector wrote successfully (it is now the latest known state).
    public mutating func wrote(_ record: LeaseRecord, at now: Duration) {
        self.record = record
        observedTime = now
    }

    /// The record to write when releasing: holder "", duration 1 s, renewed now (client-go `release`).
    public static func releaseRecord(from current: LeaseRecord, wallClock: Date) -> LeaseRecord {
        var released = current
        released.holderIdentity = ""
        released.leaseDurationSeconds = 1
        released.renewTime = wallClock
        released.acquireTime = wallClock
        return released
    }
}
