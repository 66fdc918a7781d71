// Runs blocking work (child processes, file system setup) on its own thread instead of Swift's cooperative pool.
import Foundation

/// Runs `work` on a new thread and suspends the caller until it finishes.
///
/// - Important: Use this for anything that blocks for more than a moment (running `openssl` or `ip`, waiting
///   for a child). The cooperative pool has one thread per core — two on CI — and every emulator, fake server
///   and HTTP client callback in the parallel test run needs those threads; a blocked pool makes unrelated tests
///   time out (a phpIPAM login got no bytes within 1 s while `openssl` made the shared test PKI).
public func onDedicatedThread<Result: Sendable>(
    _ work: @escaping @Sendable () throws -> Result
) async throws -> Result {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Swift.Result { try work() }) }
        thread.start()
    }
}
