// An async mutual-exclusion lock per key: one holder per key, waiters served in arrival order.

/// Serialises async work per key while work on different keys runs concurrently.
///
/// - Important: Waiting is not cancellable; a cancelled waiter still gets (and then releases) the lock.
actor KeyedAsyncLock<Key: Hashable & Sendable> {
    /// Held keys and, per key, the waiters in arrival order.
    private var queues: [Key: [CheckedContinuation<Void, Never>]] = [:]

    /// Runs `body` while holding the lock for `key`.
    nonisolated func withLock<T: Sendable, E: Error>(
        _ key: Key, _ body: () async throws(E) -> T
    ) async throws(E) -> T {
        await acquire(key)
        do {
            let value = try await body()
            await release(key)
            return value
        } catch {
            await release(key)
            throw error
        }
    }

    private func acquire(_ key: Key) async {
        guard queues[key] != nil else {
            queues[key] = []
            return
        }
        await withCheckedContinuation { continuation in
            queues[key, default: []].append(continuation)
        }
    }

    private func release(_ key: Key) {
        guard var waiters = queues[key], !waiters.isEmpty else {
            queues[key] = nil
            return
        }
        let next = waiters.removeFirst()
        queues[key] = waiters
        next.resume()
    }
}
