// The thread-safe front of one libcurl multi handle: queues commands for its thread and wakes it.
import CCurl
import Glibc
import Logging
import Synchronization

/// Owns one libcurl multi handle (one connection cache shared by every request of a client) and the
/// thread that drives it. Other threads only queue commands and wake the thread; every other libcurl
/// call happens on that thread (see ``CurlEventLoop``).
final class CurlEngine: Sendable {
    enum Command: Sendable {
        case start(PreparedRequest, ResponseSink)
        case abort(UInt64)
        case resume(UInt64)
    }

    private struct Inbox {
        var nextTransferID: UInt64 = 1
        var commands: [Command] = []
        var shutdownRequested = false
        var loopExited = false
        /// Why libcurl could not be set up; every request then fails with it.
        var setupFailure: String?
        /// Tasks waiting for the loop to have no transfer and no queued command.
        var idleWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let inbox = Mutex(Inbox())
    /// `nil` when libcurl could not be set up.
    let multi: MultiHandle?
    let logger: Logger
    /// Easy handles allocated and not yet freed, to prove in tests that every handle is freed.
    let openEasyHandles = Atomic<Int>(0)

    init(maximumIdleConnections: Int, logger: Logger) {
        self.logger = logger
        guard curlGlobalInitResult == CURLE_OK else {
            multi = nil
            inbox.withLock {
                $0.setupFailure = "libcurl failed to initialise (curl_global_init: \(curlGlobalInitResult.rawValue))"
            }
            return
        }
        guard let handle = curl_multi_init() else {
            multi = nil
            inbox.withLock { $0.setupFailure = "libcurl could not allocate a multi handle (out of memory?)" }
            return
        }
        multi = MultiHandle(pointer: handle)
        let idleLimit = max(1, maximumIdleConnections)
        if let failure = CurlEventLoop.start(engine: self, multi: handle, maximumIdleConnections: idleLimit) {
            inbox.withLock { $0.setupFailure = failure }
        }
    }

    deinit {
        // Only reached after the loop thread has exited (it holds the engine until then) and no sink
        // refers to the engine any more, so no other thread can call curl_multi_wakeup now.
        if let multi { curl_multi_cleanup(multi.pointer) }
    }

    /// Queues a transfer and returns the sink its response arrives in.
    func start(_ request: PreparedRequest, mode: ResponseBuffer.Mode) -> ResponseSink {
        let (sink, refusal) = inbox.withLock { inbox -> (ResponseSink, String?) in
            let sink = ResponseSink(transferID: inbox.nextTransferID, engine: self, mode: mode)
            inbox.nextTransferID += 1
            if let failure = inbox.setupFailure { return (sink, failure) }
            if inbox.loopExited { return (sink, "the HTTP client has shut down") }
            inbox.commands.append(.start(request, sink))
            return (sink, nil)
        }
        if let refusal {
            sink.finished(.failure(.transport(refusal)), fallbackHead: nil)
        } else {
            wake()
        }
        return sink
    }

    /// Aborts a running transfer (its sink has already been failed).
    func abort(_ transferID: UInt64) {
        enqueue(.abort(transferID))
    }

    /// Resumes a transfer paused because its consumer's buffer was full.
    func resumeProducer(_ transferID: UInt64) {
        enqueue(.resume(transferID))
    }

    /// Lets the loop thread exit once no transfer is left.
    func shutdownWhenIdle() {
        inbox.withLock { $0.shutdownRequested = true }
        wake()
    }

    /// Called by the loop: the queued commands, or `nil` when it should exit (shutdown requested, nothing
    /// queued, and `idle`), in which case no further command will be queued.
    func takeCommands(idle: Bool) -> [Command]? {
        let (commands, idleWaiters) = inbox.withLock { inbox -> ([Command]?, [CheckedContinuation<Void, Never>]) in
            if inbox.commands.isEmpty, idle, inbox.shutdownRequested {
                inbox.loopExited = true
                defer { inbox.idleWaiters = [] }
                return (nil, inbox.idleWaiters)
            }
            defer { inbox.commands.removeAll(keepingCapacity: true) }
            return (inbox.commands, [])
        }
        for waiter in idleWaiters { waiter.resume() }
        return commands
    }

    /// Called by the loop before it sleeps with no transfer: resumes idle waiters unless commands are queued.
    func loopIsIdle() {
        let waiters = inbox.withLock { inbox -> [CheckedContinuation<Void, Never>] in
            guard inbox.commands.isEmpty else { return [] }
            defer { inbox.idleWaiters = [] }
            return inbox.idleWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once the loop has no transfer left and nothing queued (for tests).
    func waitUntilIdle() async {
        await withCheckedContinuation { continuation in
            let loopRuns = inbox.withLock { inbox in
                guard !inbox.loopExited, inbox.setupFailure == nil else { return false }
                inbox.idleWaiters.append(continuation)
                return true
            }
            if loopRuns { wake() } else { continuation.resume() }
        }
    }

    private func enqueue(_ command: Command) {
        let queued = inbox.withLock { inbox in
            guard !inbox.loopExited else { return false }
            inbox.commands.append(command)
            return true
        }
        if queued { wake() }
    }

    private func wake() {
        if let multi { _ = curl_multi_wakeup(multi.pointer) }
    }
}

/// A libcurl multi handle shared with the loop thread.
///
/// `@unchecked Sendable` is safe because: other threads only ever call `curl_multi_wakeup` on it, which
/// libcurl documents as callable from any thread; every other use happens on the loop thread; and it is
/// cleaned up in ``CurlEngine``'s deinit, which runs only when no thread can reach the engine.
struct MultiHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// `curl_global_init` must run once before any other libcurl call; a global is initialised exactly once.
private let curlGlobalInitResult: CURLcode = curl_global_init(overlay_curl_global_default())
