// Tests that every libcurl easy handle is freed, whatever way its transfer ends.
import Testing
import TestSupport

@testable import HTTP

@Suite("HTTPClient resources", .timeLimit(.minutes(1)))
struct HTTPClientResourceTests {
    @Test("after successes, failures, timeouts, cancellations and dropped streams no easy handle is left open")
    func everyHandleIsFreed() async throws {
        let server = try await TestHTTPServer.start { request, responder in
            switch request.uri {
            case "/stall":
                await responder.waitForConnectionClose()
            case "/stream":
                try await responder.startStream(flush: false)
                try await responder.write("line 1\nline 2\n")
                await responder.waitForConnectionClose()
            default:
                try await responder.respond(status: 404, body: "missing")
            }
        }
        let refusedServer = try await TestHTTPServer.start { _, _ in }
        let refusedURL = refusedServer.baseURL + "/"
        try await refusedServer.shutdown()
        // Only the stalled requests need short timeouts; the others must not trip over a loaded machine.
        let client = HTTPClient(configuration: .init(streamIdleTimeout: .milliseconds(500)))

        #expect(try await client.send(HTTPRequest(url: server.baseURL + "/x")).status == 404)
        await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: refusedURL)) }
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: server.baseURL + "/stall", timeout: .milliseconds(300)))
        }
        let idle = try await client.stream(HTTPRequest(url: server.baseURL + "/stream"))
        await #expect(throws: HTTPError.self) { _ = try await idle.collectBody(upTo: 1000) }
        do {
            let dropped = try await client.stream(HTTPRequest(url: server.baseURL + "/stream"))
            for try await _ in dropped.lines() { break }
        }
        let cancelled = Task {
            let response = try await client.stream(HTTPRequest(url: server.baseURL + "/stream"))
            for try await _ in response.lines() { withUnsafeCurrentTask { $0?.cancel() } }
        }
        await #expect(throws: HTTPError.cancelled) { try await cancelled.value }

        await client.engine.waitUntilIdle()
        #expect(client.engine.openEasyHandles.load(ordering: .relaxed) == 0)
        try await server.shutdown()
    }
}
