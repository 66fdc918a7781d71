// Streaming tests of HTTPClient: lines across chunks, backpressure, idle timeout, cancellation.
import HTTP
import Testing
import TestSupport

@Suite("HTTPClient streaming", .timeLimit(.minutes(1)))
struct HTTPClientStreamingTests {
    @Test("lines split across chunks at arbitrary points come out whole, including a last line without newline")
    func linesAcrossChunks() async throws {
        let lines = (0..<500).map { "{\"type\":\"ADDED\",\"object\":{\"n\":\($0),\"pad\":\"\(String(repeating: "x", count: $0 % 37))\"}}" }
        let text = Array((lines.joined(separator: "\n")).utf8)
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream(headers: [.init("Content-Type", "application/json")])
            var offset = 0
            var step = 1
            while offset < text.count {
                let end = min(text.count, offset + step)
                try await responder.write(Array(text[offset..<end]))
                offset = end
                step = step % 97 + 13
            }
            try await responder.end()
        }
        let response = try await HTTPClient().stream(HTTPRequest(url: server.baseURL + "/watch"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        var received: [String] = []
        for try await line in response.lines() {
            received.append(String(decoding: line, as: UTF8.self))
        }
        #expect(received == lines)
        try await server.shutdown()
    }

    @Test("status and headers arrive before the body, while the server is still holding the body back")
    func headBeforeBody() async throws {
        let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream(status: 202, headers: [.init("X-Stream", "yes")])
            for await _ in release { break }
            try await responder.write("late body\n")
            try await responder.end()
        }
        let response = try await HTTPClient().stream(HTTPRequest(url: server.baseURL + "/head-first"))
        #expect(response.status == 202)
        #expect(response.headers["x-stream"] == "yes")
        releaseContinuation.yield()
        #expect(try await response.collectBody(upTo: 100) == Array("late body\n".utf8))
        try await server.shutdown()
    }

    @Test("a big stream read by a slower consumer arrives complete and in order")
    func bigStreamWithBackpressure() async throws {
        let chunk = (0..<65_536).map { UInt8(truncatingIfNeeded: $0) }
        let chunkCount = 96
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream()
            for index in 0..<chunkCount {
                var tagged = chunk
                tagged[0] = UInt8(index)
                try await responder.write(tagged)
            }
            try await responder.end()
        }
        let response = try await HTTPClient().stream(HTTPRequest(url: server.baseURL + "/big"))
        var received: [UInt8] = []
        for try await piece in response.body {
            received.append(contentsOf: piece)
            await Task.yield()
        }
        #expect(received.count == chunk.count * chunkCount)
        for index in 0..<chunkCount where received.count == chunk.count * chunkCount {
            #expect(received[index * chunk.count] == UInt8(index))
            #expect(received[index * chunk.count + 1] == 1)
        }
        try await server.shutdown()
    }

    @Test("a stalled stream fails with timedOut after the idle timeout and the server sees the close")
    func idleTimeout() async throws {
        let (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream(flush: false)
            try await responder.write("first\n")
            await responder.waitForConnectionClose()
            closedContinuation.yield()
        }
        let client = HTTPClient(configuration: .init(streamIdleTimeout: .milliseconds(500)))
        let response = try await client.stream(HTTPRequest(url: server.baseURL + "/stall"))
        var iterator = response.lines().makeAsyncIterator()
        #expect(try await iterator.next() == Array("first".utf8))
        let error = await #expect(throws: HTTPError.self) { try await iterator.next() }
        guard case .timedOut(let message)? = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
        #expect(message.contains("no bytes for 500 ms"))
        for await _ in closed { break }
        try await server.shutdown()
    }

    @Test("a stream whose headers never come fails with timedOut after the request timeout")
    func headTimeout() async throws {
        let server = try await TestHTTPServer.start { _, responder in
            await responder.waitForConnectionClose()
        }
        let client = HTTPClient(configuration: .init(requestTimeout: .milliseconds(300)))
        let error = await #expect(throws: HTTPError.self) {
            try await client.stream(HTTPRequest(url: server.baseURL + "/no-head"))
        }
        guard case .timedOut(let message)? = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
        #expect(message.contains("no response headers within 300 ms"))
        try await server.shutdown()
    }

    @Test("cancelling the consuming task aborts the transfer and the server sees the connection close")
    func cancellationAbortsTransfer() async throws {
        let (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream()
            try await responder.write("event 1\n")
            await responder.waitForConnectionClose()
            closedContinuation.yield()
        }
        let client = HTTPClient()
        let (firstLine, firstLineContinuation) = AsyncStream.makeStream(of: Void.self)
        let consumer = Task {
            let response = try await client.stream(HTTPRequest(url: server.baseURL + "/watch"))
            var count = 0
            for try await _ in response.lines() {
                count += 1
                firstLineContinuation.yield()
            }
            return count
        }
        for await _ in firstLine { break }
        consumer.cancel()
        let result = await consumer.result
        #expect(throws: HTTPError.cancelled) { try result.get() }
        for await _ in closed { break }
        try await server.shutdown()
    }

    @Test("dropping a response before its end aborts the transfer")
    func droppingResponseAborts() async throws {
        let (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream()
            try await responder.write("event 1\n")
            await responder.waitForConnectionClose()
            closedContinuation.yield()
        }
        let client = HTTPClient()
        do {
            let response = try await client.stream(HTTPRequest(url: server.baseURL + "/watch"))
            for try await _ in response.lines() { break }
        }
        for await _ in closed { break }
        try await server.shutdown()
    }

    @Test("a connection closed mid-stream ends the body with a retryable error")
    func closedMidStream() async throws {
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream()
            try await responder.write("partial\n")
            await responder.closeConnection()
        }
        let response = try await HTTPClient().stream(HTTPRequest(url: server.baseURL + "/cut"))
        var iterator = response.lines().makeAsyncIterator()
        #expect(try await iterator.next() == Array("partial".utf8))
        let error = await #expect(throws: HTTPError.self) { try await iterator.next() }
        #expect(error?.isRetryable == true)
        try await server.shutdown()
    }

    @Test("streams and plain requests share the client's connections once a stream has ended")
    func streamConnectionIsReused() async throws {
        let server = try await TestHTTPServer.start { _, responder in
            try await responder.startStream()
            try await responder.write("only line\n")
            try await responder.end()
        }
        let client = HTTPClient()
        for _ in 0..<5 {
            let response = try await client.stream(HTTPRequest(url: server.baseURL + "/s"))
            _ = try await response.collectBody(upTo: 1000)
        }
        #expect(server.acceptedConnections == 1)
        try await server.shutdown()
    }
}
