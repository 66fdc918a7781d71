// The benchmark's own netlink monitor: every change in the namespace with the instant it arrived, to time repairs by.
import BenchmarkSupport
import IPAddressing
import Netlink
import Synchronization

/// Something the agent keeps in the kernel: one of its routes in the main table, or an overlay address.
enum KernelItem: Hashable, CustomStringConvertible {
    case route(IPPrefix)
    case address(IPAddress)

    /// What `event` brings (back) into the kernel, if it is an item: a protocol-197 route added to the main
    /// table, or an address added to the interface numbered `interfaceIndex`.
    init?(addedBy event: NetlinkEvent, interfaceIndex: Int32) {
        switch event {
        case .routeAdded(let route) where route.protocol == .overlayAgent && route.table == .main:
            self = .route(route.destination)
        case .addressAdded(let address) where address.interfaceIndex == interfaceIndex:
            self = .address(address.address)
        default:
            return nil
        }
    }

    var description: String {
        switch self {
        case .route(let destination): "route \(destination)"
        case .address(let address): "address \(address)"
        }
    }
}

/// Subscribes to the namespace's link, address and route notifications on a socket and reader thread of its
/// own (the agent has its own subscription), and keeps each event with the instant the benchmark received it.
///
/// The reader thread sleeps in `poll` until the kernel multicasts a notification, so observing costs the
/// agent nothing (no requests, no lock it waits on) and an event is stamped a wake-up and a task hop after
/// the kernel sent it: microseconds, where polling dumps would add up to their interval and compete with
/// the agent for the two cores and the kernel's routing lock.
final class KernelEventLog: Sendable {
    private struct Entry {
        var instant: ContinuousClock.Instant
        var event: NetlinkEvent
    }

    /// What the reader task shares with the benchmark.
    private final class Storage: Sendable {
        let entries = Mutex<[Entry]>([])
        let failure = Mutex<NetlinkError?>(nil)
    }

    private let storage = Storage()
    private let arrivals: AsyncStream<Void>
    private let arrivalSignal: AsyncStream<Void>.Continuation
    private let reader: Task<Void, Never>

    /// Subscribes through `netlink`; every change made after this returns is logged.
    init(netlink: NetlinkContext) async throws {
        let stream = try await netlink.events()
        (arrivals, arrivalSignal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        let storage = storage
        let signal = arrivalSignal
        reader = Task {
            do throws(NetlinkError) {
                for try await event in stream {
                    let instant = ContinuousClock.now
                    storage.entries.withLock { $0.append(Entry(instant: instant, event: event)) }
                    signal.yield()
                }
            } catch {
                storage.failure.withLock { $0 = error }
                signal.yield()
            }
        }
    }

    deinit { reader.cancel() }

    /// How many events have arrived: the position to await later ones from.
    var position: Int { storage.entries.withLock { $0.count } }

    /// When the latest event arrived (`nil` before any).
    var lastArrival: ContinuousClock.Instant? { storage.entries.withLock { $0.last?.instant } }

    /// When the first event from `position` on that `matches` arrived, among those already logged.
    func arrival(from position: Int, where matches: (NetlinkEvent) -> Bool) -> ContinuousClock.Instant? {
        storage.entries.withLock { entries in entries[min(position, entries.count)...].first { matches($0.event) }?.instant }
    }

    /// Awaits, among the events from `position` on, the first that adds each of `items` (see
    /// ``KernelItem/init(addedBy:interfaceIndex:)``), and returns when each arrived.
    /// - Throws: ``BenchmarkError`` naming the items still missing after `timeout`, or when the monitor failed.
    func arrivals(
        of items: Set<KernelItem>, from position: Int, interfaceIndex: Int32, within timeout: Duration
    ) async throws -> [KernelItem: ContinuousClock.Instant] {
        var pending = items
        var found: [KernelItem: ContinuousClock.Instant] = [:]
        var scanned = position
        let deadline = ContinuousClock.now + timeout
        let signal = arrivalSignal
        let alarm = Task {
            try? await Task.sleep(until: deadline, clock: .continuous)
            signal.yield()
        }
        defer { alarm.cancel() }
        while true {
            let fresh = storage.entries.withLock { Array($0[min(scanned, $0.count)...]) }
            scanned += fresh.count
            for entry in fresh {
                if let item = KernelItem(addedBy: entry.event, interfaceIndex: interfaceIndex), pending.remove(item) != nil {
                    found[item] = entry.instant
                }
            }
            if pending.isEmpty { return found }
            if let failure = storage.failure.withLock({ $0 }) {
                throw BenchmarkError(description: "the benchmark's netlink monitor failed: \(failure)")
            }
            if ContinuousClock.now >= deadline {
                let missing = pending.map(\.description).sorted().prefix(5).joined(separator: ", ")
                throw BenchmarkError(description: "\(pending.count) item(s) not back after \(timeout): \(missing)")
            }
            _ = await arrivals.first { _ in true }
        }
    }
}
