// A crash hook for tests: at one named point for one node, signal the test and block until cancelled.
import Operator
import Synchronization

/// Blocks the operator at `point` for `nodeName` (the first time only) until the operator is
/// cancelled, and lets the test await that moment.
final class CrashSignal: Sendable {
    let point: CrashPoint
    let nodeName: String
    private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Void, Never>?, reached: Bool)>((false, nil, false))

    init(at point: CrashPoint, node nodeName: String) {
        self.point = point
        self.nodeName = nodeName
    }

    /// The hook to give the operator.
    var hook: CrashHook {
        { [self] point, node in
            guard point == self.point, node == self.nodeName else { return }
            let first = state.withLock { state -> Bool in
                guard !state.fired else { return false }
                state.fired = true
                return true
            }
            guard first else { return }
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.reached = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
            // Hold here, mid-step, until the test "kills" the operator.
            // (The stream ends only on cancellation: its continuation is kept alive until then.)
            let (stream, continuation) = AsyncStream<Never>.makeStream()
            for await _ in stream {}
            continuation.finish()
            try Task.checkCancellation()
        }
    }

    /// Returns once the operator reached the point.
    func reached() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.reached { return true }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
