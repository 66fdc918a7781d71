// Small test doubles shared by the KubeRuntime tests: a gate, an event log with an awaitable stream.
import Synchronization

/// A gate tasks wait at until the test opens it; once open it stays open.
final class AsyncGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    /// Waits until the gate is open.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let passNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if passNow { continuation.resume() }
        }
    }

    /// Opens the gate and lets every waiter through.
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Records values and publishes them on a stream the test can await.
final class EventLog<Value: Sendable>: Sendable {
    private struct Waiter {
        let count: Int
        let continuation: CheckedContinuation<Void, Never>
    }

    private let values = Mutex<(recorded: [Value], waiters: [Waiter])>(([], []))
    /// Every recorded value, in order.
    let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func record(_ value: Value) {
        let ready = values.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.recorded.append(value)
            let count = state.recorded.count
            defer { state.waiters.removeAll { $0.count <= count } }
            return state.waiters.filter { $0.count <= count }.map(\.continuation)
        }
        continuation.yield(value)
        for waiter in ready { waiter.resume() }
    }

    /// Waits until at least `count` values have been recorded.
    func waitForCount(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = values.withLock { state -> Bool in
                if state.recorded.count >= count { return true }
                state.waiters.append(Waiter(count: count, continuation: continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    var all: [Value] { values.withLock { $0.recorded } }
}
