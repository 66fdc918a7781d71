// State machine between the libcurl thread (producer) and the awaiting Swift tasks (consumer) of one transfer.

/// What one transfer has produced so far and who is waiting for it.
///
/// The producer (the libcurl thread) reports the head, body bytes and the end; the consumer awaits the
/// head, the next chunk or the whole response. Every method only changes state and returns the waiters
/// to resume, which ``ResponseSink`` resumes after releasing its lock. In `stream` mode the buffer holds at
/// most about `highWatermark` bytes: beyond that it refuses a chunk (libcurl pauses the transfer and
/// offers the same bytes again later) and asks for the producer to be resumed once the consumer has
/// drained it to `lowWatermark`.
struct ResponseBuffer {
    enum Mode: Sendable {
        /// Keep the whole body, up to `limit` bytes, for one ``HTTPResponse``.
        case collect(limit: Int)
        /// Hand out chunks as they arrive, holding back the peer when the consumer is slow.
        case stream(highWatermark: Int, lowWatermark: Int)
    }

    typealias HeadWaiter = CheckedContinuation<Result<ResponseHead, HTTPError>, Never>
    typealias ChunkWaiter = CheckedContinuation<Result<[UInt8]?, HTTPError>, Never>
    typealias ResponseWaiter = CheckedContinuation<Result<HTTPResponse, HTTPError>, Never>

    /// What the producer does with the bytes it offered.
    enum BodyDisposition: Equatable {
        /// They were taken.
        case taken
        /// They were not taken: pause and offer them again on resume.
        case pause
        /// The transfer failed (the body is over its limit): abort it.
        case abort
    }

    /// A waiter to resume once the lock is released, or a request to resume the paused producer.
    enum Effect {
        case resumeHead(HeadWaiter, Result<ResponseHead, HTTPError>)
        case resumeChunk(ChunkWaiter, Result<[UInt8]?, HTTPError>)
        case resumeResponse(ResponseWaiter, Result<HTTPResponse, HTTPError>)
        case resumeProducer
    }

    let mode: Mode
    private(set) var head: ResponseHead?
    /// How the transfer ended; `nil` while it runs.
    private(set) var outcome: Result<Void, HTTPError>?
    private var chunks: [[UInt8]] = []
    private var firstChunk = 0
    private(set) var bufferedBytes = 0
    private var collected: [UInt8] = []
    private var producerPaused = false
    private var errorDelivered = false
    private var headWaiter: HeadWaiter?
    private var chunkWaiter: ChunkWaiter?
    private var responseWaiter: ResponseWaiter?

    init(mode: Mode) {
        self.mode = mode
    }

    // MARK: - Producer

    /// The final response's head arrived.
    mutating func receivedHead(_ head: ResponseHead) -> [Effect] {
        guard self.head == nil, outcome == nil else { return [] }
        self.head = head
        guard let waiter = headWaiter else { return [] }
        headWaiter = nil
        return [.resumeHead(waiter, .success(head))]
    }

    /// Body bytes arrived; returns what the producer does with them.
    mutating func receivedBody(_ bytes: [UInt8]) -> (disposition: BodyDisposition, effects: [Effect]) {
        guard outcome == nil else { return (.abort, []) }
        guard !bytes.isEmpty else { return (.taken, []) }
        switch mode {
        case .collect(let limit):
            guard collected.count + bytes.count <= limit else {
                collected = []
                let error = HTTPError.transport(
                    "the response body is larger than the limit of \(limit) bytes: "
                        + "raise maximumResponseBodySize or read the response with stream(_:)")
                return (.abort, finished(.failure(error), fallbackHead: nil))
            }
            collected.append(contentsOf: bytes)
            return (.taken, [])
        case .stream(let highWatermark, _):
            if let waiter = chunkWaiter {
                chunkWaiter = nil
                return (.taken, [.resumeChunk(waiter, .success(bytes))])
            }
            if bufferedBytes >= highWatermark {
                producerPaused = true
                return (.pause, [])
            }
            chunks.append(bytes)
            bufferedBytes += bytes.count
            return (.taken, [])
        }
    }

    /// The transfer ended. `fallbackHead` is used when it succeeded without a complete head (for example a
    /// response cut off right after its status line).
    mutating func finished(_ result: Result<Void, HTTPError>, fallbackHead: ResponseHead?) -> [Effect] {
        guard outcome == nil else { return [] }
        var result = result
        if case .success = result, head == nil {
            if let fallbackHead {
                head = fallbackHead
            } else {
                result = .failure(.transport("the server closed the connection without sending a complete response"))
            }
        }
        outcome = result
        var effects: [Effect] = []
        if let waiter = headWaiter {
            headWaiter = nil
            effects.append(.resumeHead(waiter, result.map { head ?? ResponseHead(status: 0, headers: [:]) }))
        }
        if let waiter = chunkWaiter {
            chunkWaiter = nil
            effects.append(.resumeChunk(waiter, endOfBody()))
        }
        if let waiter = responseWaiter {
            responseWaiter = nil
            effects.append(.resumeResponse(waiter, completeResponse()))
        }
        return effects
    }

    // MARK: - Consumer

    /// The head if known, the failure if the transfer ended without one, or `nil` after storing `waiter`.
    mutating func awaitHead(_ waiter: HeadWaiter) -> [Effect] {
        if let head { return [.resumeHead(waiter, .success(head))] }
        if case .failure(let error) = outcome { return [.resumeHead(waiter, .failure(error))] }
        headWaiter = waiter
        return []
    }

    /// The next chunk, the end, or the failure; otherwise stores `waiter` until the producer delivers.
    mutating func awaitChunk(_ waiter: ChunkWaiter) -> [Effect] {
        if firstChunk < chunks.count {
            let chunk = chunks[firstChunk]
            firstChunk += 1
            bufferedBytes -= chunk.count
            if firstChunk == chunks.count || firstChunk >= 64 {
                chunks.removeFirst(firstChunk)
                firstChunk = 0
            }
            return [.resumeChunk(waiter, .success(chunk))] + resumeProducerIfDrained()
        }
        if outcome != nil { return [.resumeChunk(waiter, endOfBody())] }
        guard chunkWaiter == nil else {
            return [
                .resumeChunk(
                    waiter, .failure(.invalidRequest("the body is already being read by another task: read it from one task")))
            ]
        }
        chunkWaiter = waiter
        return resumeProducerIfDrained()
    }

    /// The whole response once the transfer has ended; otherwise stores `waiter`.
    mutating func awaitResponse(_ waiter: ResponseWaiter) -> [Effect] {
        guard outcome != nil else {
            responseWaiter = waiter
            return []
        }
        return [.resumeResponse(waiter, completeResponse())]
    }

    /// The consumer gave up: fail every waiter with ``HTTPError/cancelled`` and drop buffered bytes.
    /// Returns whether the transfer was still running (and so must be aborted).
    mutating func cancel() -> (wasRunning: Bool, effects: [Effect]) {
        guard outcome == nil else { return (false, []) }
        chunks = []
        firstChunk = 0
        bufferedBytes = 0
        collected = []
        return (true, finished(.failure(.cancelled), fallbackHead: nil))
    }

    // MARK: - Helpers

    private mutating func endOfBody() -> Result<[UInt8]?, HTTPError> {
        guard case .failure(let error) = outcome, !errorDelivered else { return .success(nil) }
        errorDelivered = true
        return .failure(error)
    }

    private func completeResponse() -> Result<HTTPResponse, HTTPError> {
        switch outcome {
        case .failure(let error): .failure(error)
        case .success, nil:
            .success(HTTPResponse(status: head?.status ?? 0, headers: head?.headers ?? [:], body: collected))
        }
    }

    private mutating func resumeProducerIfDrained() -> [Effect] {
        guard producerPaused, case .stream(_, let lowWatermark) = mode, bufferedBytes <= lowWatermark else { return [] }
        producerPaused = false
        return [.resumeProducer]
    }
}
