// Request/response tests of HTTPClient against real servers on 127.0.0.1.
import HTTP
import Testing
import TestSupport

/// Echoes the method, the body and a few request headers back.
private let echoHandler: TestHTTPServer.Handler = { request, responder in
    try await responder.respond(
        status: request.uri.hasPrefix("/status/") ? Int(request.uri.dropFirst(8)) ?? 200 : 200,
        headers: [
            .init("X-Method", request.method), .init("X-URI", request.uri),
            .init("X-Content-Type", request.header("content-type") ?? "none"),
            .init("X-Custom", request.header("x-custom") ?? "none"),
            .init("X-Expect", request.header("expect") ?? "none"),
        ],
        body: request.method == "HEAD" ? [] : request.body)
}

@Suite("HTTPClient requests", .timeLimit(.minutes(1)))
struct HTTPClientRequestTests {
    @Test("every method sends its body and gets the echoed body, status and headers back", arguments: HTTPMethod.allCases)
    func methodsWithBodies(method: HTTPMethod) async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient()
        let body: [UInt8]? = method == .head ? nil : Array("payload for \(method.rawValue)".utf8)
        let response = try await client.send(
            HTTPRequest(
                method: method, url: server.baseURL + "/items/1?x=y",
                headers: ["Content-Type": "application/json", "X-Custom": "custom value"], body: body))
        #expect(response.status == 200)
        #expect(response.headers["x-method"] == method.rawValue)
        #expect(response.headers["X-URI"] == "/items/1?x=y")
        #expect(response.headers["x-custom"] == "custom value")
        #expect(response.headers["x-expect"] == "none")
        #expect(response.body == (body ?? []))
        try await server.shutdown()
    }

    @Test("a large body goes out at once without Expect: 100-continue and comes back intact")
    func largeBody() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient()
        let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try await client.send(HTTPRequest(method: .put, url: server.baseURL + "/big", body: body))
        #expect(response.headers["x-expect"] == "none")
        #expect(response.body == body)
        try await server.shutdown()
    }

    @Test("a response body over the configured limit fails the request instead of filling memory")
    func responseBodyLimit() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient(configuration: .init(maximumResponseBodySize: 1000))
        let small = try await client.send(HTTPRequest(method: .post, url: server.baseURL + "/ok", body: Array(repeating: 1, count: 1000)))
        #expect(small.body.count == 1000)
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(method: .post, url: server.baseURL + "/big", body: Array(repeating: 1, count: 1001)))
        }
        guard case .transport(let message)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(message.contains("maximumResponseBodySize"))
        try await server.shutdown()
    }

    @Test("POST without a body sends an empty body and no form content type")
    func postWithoutBody() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let response = try await HTTPClient().send(HTTPRequest(method: .post, url: server.baseURL + "/empty"))
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        #expect(response.headers["x-content-type"] == "none")
        try await server.shutdown()
    }

    @Test("error statuses are responses, not errors")
    func errorStatusIsAResponse() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let response = try await HTTPClient().send(HTTPRequest(url: server.baseURL + "/status/503"))
        #expect(response.status == 503)
        try await server.shutdown()
    }

    @Test("redirects are returned, not followed")
    func redirectsAreNotFollowed() async throws {
        let server = try await TestHTTPServer.start { request, responder in
            try await responder.respond(status: 302, headers: [.init("Location", "/elsewhere")], body: "moved")
        }
        let response = try await HTTPClient().send(HTTPRequest(url: server.baseURL + "/here"))
        #expect(response.status == 302)
        #expect(response.headers["location"] == "/elsewhere")
        try await server.shutdown()
    }

    @Test("sequential requests reuse one keep-alive connection")
    func connectionReuse() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient()
        for index in 0..<20 {
            let response = try await client.send(
                HTTPRequest(method: index.isMultiple(of: 2) ? .get : .post, url: server.baseURL + "/\(index)", body: [1, 2]))
            #expect(response.status == 200)
        }
        #expect(server.acceptedConnections == 1)
        try await server.shutdown()
    }

    @Test("many concurrent requests all get their own responses, and later requests reuse the connections")
    func concurrentRequests() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient()
        let count = 64
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<count {
                group.addTask {
                    let response = try await client.send(
                        HTTPRequest(method: .post, url: server.baseURL + "/n/\(index)", body: Array("body \(index)".utf8)))
                    #expect(response.headers["x-uri"] == "/n/\(index)")
                    #expect(response.body == Array("body \(index)".utf8))
                }
            }
            try await group.waitForAll()
        }
        let afterBurst = server.acceptedConnections
        #expect(afterBurst <= count)
        for index in 0..<10 {
            _ = try await client.send(HTTPRequest(url: server.baseURL + "/again/\(index)"))
        }
        #expect(server.acceptedConnections == afterBurst)
        try await server.shutdown()
    }

    @Test("concurrent workers keep reusing their connections even with more in flight than idle connections kept")
    func reuseUnderConcurrency() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let client = HTTPClient(configuration: .init(maximumIdleConnections: 4))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<12 {
                group.addTask {
                    for index in 0..<10 {
                        _ = try await client.send(HTTPRequest(url: server.baseURL + "/\(worker)/\(index)"))
                    }
                }
            }
            try await group.waitForAll()
        }
        // 120 requests from 12 workers: 12 connections suffice; without reuse each request needs its own.
        #expect(server.acceptedConnections <= 24)
        try await server.shutdown()
    }

    @Test("a refused connection is a retryable connectionFailed error")
    func connectionRefused() async throws {
        let server = try await TestHTTPServer.start(handler: echoHandler)
        let url = server.baseURL + "/gone"
        try await server.shutdown()
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient().send(HTTPRequest(url: url))
        }
        guard case .connectionFailed(let message)? = error else {
            Issue.record("expected connectionFailed, got \(String(describing: error))")
            return
        }
        #expect(message.contains(url))
        #expect(error?.isRetryable == true)
    }

    @Test("a server that never answers fails the request with timedOut after the request timeout")
    func requestTimeout() async throws {
        let server = try await TestHTTPServer.start { _, responder in
            await responder.waitForConnectionClose()
        }
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient().send(HTTPRequest(url: server.baseURL + "/slow", timeout: .milliseconds(300)))
        }
        guard case .timedOut(let message)? = error else {
            Issue.record("expected timedOut, got \(String(describing: error))")
            return
        }
        #expect(message.contains("request timeout of 300 ms"))
        try await server.shutdown()
    }

    @Test("the connection of a timed-out request is closed, never reused for the next request")
    func timedOutConnectionIsNotReused() async throws {
        let server = try await TestHTTPServer.start { request, responder in
            if request.uri == "/stall" {
                await responder.waitForConnectionClose()
            } else {
                try await responder.respond(status: 200, body: request.uri)
            }
        }
        let client = HTTPClient()
        _ = try await client.send(HTTPRequest(url: server.baseURL + "/warm-up"))
        await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: server.baseURL + "/stall", timeout: .milliseconds(200)))
        }
        let response = try await client.send(HTTPRequest(url: server.baseURL + "/next"))
        #expect(response.body == Array("/next".utf8))
        #expect(server.acceptedConnections == 2)
        try await server.shutdown()
    }

    @Test("cancelling the task that sends aborts the request and closes its connection")
    func cancellingSend() async throws {
        let (closed, closedContinuation) = AsyncStream.makeStream(of: Void.self)
        let (arrived, arrivedContinuation) = AsyncStream.makeStream(of: Void.self)
        let server = try await TestHTTPServer.start { _, responder in
            arrivedContinuation.yield()
            await responder.waitForConnectionClose()
            closedContinuation.yield()
        }
        let client = HTTPClient()
        let task = Task {
            try await client.send(HTTPRequest(url: server.baseURL + "/hang"))
        }
        for await _ in arrived { break }
        task.cancel()
        let result = await task.result
        #expect(throws: HTTPError.cancelled) { try result.get() }
        for await _ in closed { break }
        try await server.shutdown()
    }

    @Test("invalid URLs and header values are rejected before anything is sent")
    func invalidRequests() async throws {
        let client = HTTPClient()
        for url in ["not a url", "ftp://127.0.0.1/x", "http://"] {
            let error = await #expect(throws: HTTPError.self) { try await client.send(HTTPRequest(url: url)) }
            guard case .invalidRequest? = error else {
                Issue.record("expected invalidRequest for \(url), got \(String(describing: error))")
                continue
            }
        }
        let error = await #expect(throws: HTTPError.self) {
            try await client.send(HTTPRequest(url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: yes"]))
        }
        guard case .invalidRequest? = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
    }
}
