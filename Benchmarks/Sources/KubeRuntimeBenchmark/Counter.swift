// A thread-safe counter that fires once when it reaches its target.
import Synchronization

final class Counter: Sendable {
    private let count = Mutex(0)
    private let target: Int
    private let onTarget: @Sendable () -> Void

    init(target: Int, onTarget: @escaping @Sendable () -> Void) {
        self.target = target
        self.onTarget = onTarget
    }

    func increment() {
        let reached = count.withLock { value -> Bool in
            value += 1
            return value == target
        }
        if reached { onTarget() }
    }
}
