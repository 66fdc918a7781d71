// Tests of the producer/consumer state machine: backpressure, end of body, failures and cancellation.
import Testing

@testable import HTTP

@Suite("Response buffer", .timeLimit(.minutes(1)))
struct ResponseBufferTests {
    /// Awaits the next chunk from `buffer`, running the effects; reports whether the producer was resumed.
    private func nextChunk(_ buffer: inout ResponseBuffer) async -> (Result<[UInt8]?, HTTPError>, resumedProducer: Bool) {
        var resumed = false
        let result = await withCheckedContinuation { continuation in
            for effect in buffer.awaitChunk(continuation) {
                switch effect {
                case .resumeChunk(let waiter, let result): waiter.resume(returning: result)
                case .resumeProducer: resumed = true
                case .resumeHead, .resumeResponse: Issue.record("unexpected effect")
                }
            }
        }
        return (result, resumed)
    }

    @Test("beyond the high watermark chunks are refused, and draining to the low watermark resumes the producer")
    func backpressure() async throws {
        var buffer = ResponseBuffer(mode: .stream(highWatermark: 10, lowWatermark: 4))
        #expect(buffer.receivedBody([1, 2, 3, 4, 5, 6]).disposition == .taken)
        #expect(buffer.receivedBody([7, 8, 9, 10, 11]).disposition == .taken)
        #expect(buffer.receivedBody([12]).disposition == .pause)
        #expect(buffer.bufferedBytes == 11)
        let first = await nextChunk(&buffer)
        #expect(try first.0.get() == [1, 2, 3, 4, 5, 6])
        #expect(first.resumedProducer == false)
        let second = await nextChunk(&buffer)
        #expect(try second.0.get() == [7, 8, 9, 10, 11])
        #expect(second.resumedProducer)
        #expect(buffer.receivedBody([12]).disposition == .taken)
        #expect(try await nextChunk(&buffer).0.get() == [12])
    }

    @Test("after a failure the buffered bytes come first, then the error once, then the end")
    func failureAfterBufferedBytes() async throws {
        var buffer = ResponseBuffer(mode: .stream(highWatermark: 100, lowWatermark: 10))
        _ = buffer.receivedHead(ResponseHead(status: 200, headers: [:]))
        _ = buffer.receivedBody([1])
        _ = buffer.finished(.failure(.timedOut("idle")), fallbackHead: nil)
        #expect(try await nextChunk(&buffer).0.get() == [1])
        let failed = await nextChunk(&buffer).0
        #expect(throws: HTTPError.timedOut("idle")) { try failed.get() }
        #expect(try await nextChunk(&buffer).0.get() == nil)
    }

    @Test("cancelling drops buffered bytes, fails the reader and reports that the transfer must be aborted once")
    func cancelDropsBuffer() async throws {
        var buffer = ResponseBuffer(mode: .stream(highWatermark: 100, lowWatermark: 10))
        _ = buffer.receivedHead(ResponseHead(status: 200, headers: [:]))
        _ = buffer.receivedBody([1, 2])
        #expect(buffer.cancel().wasRunning)
        #expect(buffer.cancel().wasRunning == false)
        let cancelled = await nextChunk(&buffer).0
        #expect(throws: HTTPError.cancelled) { try cancelled.get() }
        #expect(buffer.receivedBody([3]).disposition == .abort)
        #expect(buffer.bufferedBytes == 0)
    }

    @Test("a collected body beyond its limit aborts the transfer with an error that names the setting")
    func collectLimit() {
        var buffer = ResponseBuffer(mode: .collect(limit: 4))
        #expect(buffer.receivedBody([1, 2, 3]).disposition == .taken)
        #expect(buffer.receivedBody([4, 5]).disposition == .abort)
        guard case .failure(.transport(let message))? = buffer.outcome else {
            Issue.record("expected a transport failure, got \(String(describing: buffer.outcome))")
            return
        }
        #expect(message.contains("maximumResponseBodySize"))
    }

    @Test("a second concurrent reader is refused instead of being left waiting forever")
    func secondReaderIsRefused() async throws {
        let engine = CurlEngine(maximumIdleConnections: 1, logger: .init(label: "test"))
        defer { engine.shutdownWhenIdle() }
        let sink = ResponseSink(transferID: 1, engine: engine, mode: .stream(highWatermark: 100, lowWatermark: 10))
        sink.receivedHead(ResponseHead(status: 200, headers: [:]))
        try await withThrowingTaskGroup(of: Result<[UInt8]?, HTTPError>.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    do throws(HTTPError) { return .success(try await sink.nextChunk()) } catch { return .failure(error) }
                }
            }
            // No bytes have arrived, so the first reader to finish can only be the refused one.
            let refused = try await group.next()
            guard case .failure(.invalidRequest)? = refused else {
                Issue.record("expected the second reader to be refused, got \(String(describing: refused))")
                return
            }
            _ = sink.receivedBody([7])
            #expect(try await group.next()?.get() == [7])
        }
    }

    @Test("a transfer that ends without a head but with libcurl's status uses it; without either it fails")
    func fallbackHead() {
        var withStatus = ResponseBuffer(mode: .collect(limit: 100))
        _ = withStatus.finished(.success(()), fallbackHead: ResponseHead(status: 204, headers: [:]))
        #expect(withStatus.head?.status == 204)
        var withoutStatus = ResponseBuffer(mode: .collect(limit: 100))
        _ = withoutStatus.finished(.success(()), fallbackHead: nil)
        guard case .failure(.transport)? = withoutStatus.outcome else {
            Issue.record("expected a transport failure, got \(String(describing: withoutStatus.outcome))")
            return
        }
    }
}
