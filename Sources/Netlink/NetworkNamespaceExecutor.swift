// A dedicated thread, inside one network namespace, that runs submitted work in order.
import Dispatch
import FoundationExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Synchronization

/// Runs work on one dedicated thread that has entered a network namespace (or stayed in the
/// process's own when none is given), with `async` entry points that hop to that thread and back.
///
/// Network namespaces are per thread (`setns(2)` with `CLONE_NEWNET` moves only the caller), so this
/// keeps the rest of the process — API traffic, logging, metrics — in its own namespace while all
/// netlink work happens in the target one. The thread owns a `State` made on it after entering the
/// namespace (for ``NetlinkContext``, the netlink socket); `State` never leaves the thread, so it need
/// not be `Sendable`. Work runs one item at a time, in submission order.
///
/// The thread ends when the executor is released.
public final class NetworkNamespaceExecutor<State>: Sendable {
    /// The namespace the thread entered: a name under `/var/run/netns` or an absolute path; `nil` for
    /// the process's own.
    public let namespace: String?
    private let queue: WorkQueue<State>

    /// Starts the thread, enters `namespace` on it, and makes the thread's state.
    /// - Parameters:
    ///   - namespace: A name under `/var/run/netns` (as `ip netns add` creates), an absolute path such as
    ///     `/proc/PID/ns/net`, or `nil` to stay in the current namespace.
    ///   - threadName: The thread's name, shown by debuggers and `top -H`.
    ///   - makeState: Runs on the new thread inside the namespace, e.g. to open a socket there.
    /// - Throws: ``NetlinkError`` when the namespace cannot be entered or `makeState` fails; the thread
    ///   has ended by then.
    public init(
        namespace: String?, threadName: String = "netns-executor",
        makeState: @escaping @Sendable () throws(NetlinkError) -> State
    ) async throws(NetlinkError) {
        let queue = WorkQueue<State>()
        self.namespace = namespace
        self.queue = queue
        let failure: NetlinkError? = await withCheckedContinuation { started in
            let startFailure = startDetachedThread(named: threadName) {
                let state: State
                do throws(NetlinkError) {
                    if let namespace { try NetworkNamespace.enter(namespace) }
                    state = try makeState()
                } catch {
                    started.resume(returning: error)
                    return
                }
                started.resume(returning: nil)
                queue.run(with: state)
            }
            if let startFailure { started.resume(returning: NetlinkError(operation: "start \(threadName)", errno: EAGAIN, message: startFailure)) }
        }
        if let failure { throw failure }
    }

    deinit { queue.close() }

    /// Runs `body` on the namespace thread with its state and returns its result.
    ///
    /// The calling task suspends (it does not block a cooperative thread) until `body` has run.
    /// Keep `body` short and non-blocking apart from its netlink round trips: it delays later work.
    @discardableResult
    public func run<Result: Sendable>(
        _ body: @escaping @Sendable (State) throws(NetlinkError) -> Result
    ) async throws(NetlinkError) -> Result {
        let outcome: Swift.Result<Result, NetlinkError> = await withCheckedContinuation { continuation in
            queue.submit { state in
                continuation.resume(returning: Swift.Result { () throws(NetlinkError) -> Result in try body(state) })
            }
        }
        return try outcome.get()
    }
}

/// The thread's inbox: submitted work in order, and whether the owner has gone.
private final class WorkQueue<State>: Sendable {
    typealias Work = @Sendable (State) -> Void

    private struct Contents {
        var pending: [Work] = []
        var isClosed = false
    }

    private let contents = Mutex(Contents())
    /// Counts submissions (and the close), so the thread sleeps when there is nothing to do.
    private let wakeUp = DispatchSemaphore(value: 0)

    /// Queues `work`; it runs even if the queue closes before the thread gets to it.
    func submit(_ work: @escaping Work) {
        contents.withLock { $0.pending.append(work) }
        wakeUp.signal()
    }

    /// Asks the thread to end once the queued work is done.
    func close() {
        contents.withLock { $0.isClosed = true }
        wakeUp.signal()
    }

    /// The thread's loop: runs work as it arrives until closed and empty.
    func run(with state: State) {
        while true {
            wakeUp.wait()
            let (batch, isClosed) = contents.withLock { contents in
                defer { contents.pending.removeAll(keepingCapacity: true) }
                return (contents.pending, contents.isClosed)
            }
            for work in batch { work(state) }
            if isClosed && contents.withLock({ $0.pending.isEmpty }) { return }
        }
    }
}
