// Thread-safe shell around ResponseBuffer: the libcurl thread feeds it, Swift tasks await it.
import Synchronization

/// The meeting point of one transfer's producer (the libcurl thread) and its consumer (Swift tasks).
///
/// State changes happen under a lock; continuations are resumed after the lock is released. Cancelling
/// fails every waiter at once and asks the engine to abort the transfer.
final class ResponseSink: Sendable {
    let transferID: UInt64
    let engine: CurlEngine
    private let buffer: Mutex<ResponseBuffer>

    init(transferID: UInt64, engine: CurlEngine, mode: ResponseBuffer.Mode) {
        self.transferID = transferID
        self.engine = engine
        buffer = Mutex(ResponseBuffer(mode: mode))
    }

    // MARK: - Producer (libcurl thread)

    func receivedHead(_ head: ResponseHead) {
        run(buffer.withLock { $0.receivedHead(head) })
    }

    /// Whether the bytes were taken, or the transfer must pause or abort.
    func receivedBody(_ bytes: [UInt8]) -> ResponseBuffer.BodyDisposition {
        let (disposition, effects) = buffer.withLock { $0.receivedBody(bytes) }
        run(effects)
        return disposition
    }

    func finished(_ result: Result<Void, HTTPError>, fallbackHead: ResponseHead?) {
        run(buffer.withLock { $0.finished(result, fallbackHead: fallbackHead) })
    }

    // MARK: - Consumer (Swift tasks)

    /// Waits for the final response's head; cancelling the task aborts the transfer.
    func head() async throws(HTTPError) -> ResponseHead {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                run(buffer.withLock { $0.awaitHead(continuation) })
            }
        } onCancel: {
            cancel()
        }
        return try result.get()
    }

    /// Waits for the next body chunk (`nil` at the end); cancelling the task aborts the transfer.
    func nextChunk() async throws(HTTPError) -> [UInt8]? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                run(buffer.withLock { $0.awaitChunk(continuation) })
            }
        } onCancel: {
            cancel()
        }
        return try result.get()
    }

    /// Waits for the whole response; cancelling the task aborts the transfer.
    func response() async throws(HTTPError) -> HTTPResponse {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                run(buffer.withLock { $0.awaitResponse(continuation) })
            }
        } onCancel: {
            cancel()
        }
        return try result.get()
    }

    /// Fails every waiter with ``HTTPError/cancelled`` and aborts the transfer if it still runs.
    func cancel() {
        let (wasRunning, effects) = buffer.withLock { $0.cancel() }
        run(effects)
        if wasRunning { engine.abort(transferID) }
    }

    private func run(_ effects: [ResponseBuffer.Effect]) {
        for effect in effects {
            switch effect {
            case .resumeHead(let waiter, let result): waiter.resume(returning: result)
            case .resumeChunk(let waiter, let result): waiter.resume(returning: result)
            case .resumeResponse(let waiter, let result): waiter.resume(returning: result)
            case .resumeProducer: engine.resumeProducer(transferID)
            }
        }
    }
}
