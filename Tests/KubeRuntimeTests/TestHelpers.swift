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
    private let values = Mutex<[Value]>([])
    /// Every recorded value, in order.
    let stream: AsyncStream<Value>
    private let continuation: AsyncStream<Value>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func record(_ value: Value) {
        values.withLock { $0.append(value) }
        continuation.yield(value)
    }

    var all: [Value] { values.withLock { $0 } }
}
