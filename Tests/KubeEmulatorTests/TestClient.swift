// A tiny HTTP/1.1 client on swift-nio for the emulator tests: one connection per request, streaming for watches.
import KubeEmulator
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A complete HTTP response with its body parsed as JSON when possible.
struct TestResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]
    /// 1xx status codes seen before the final response (e.g. 100 Continue).
    var informational: [Int] = []

    var json: JSON { (try? JSON.parse(body)) ?? .null }

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }
}

/// One decoded watch event.
struct TestWatchEvent: Sendable {
    var type: String
    var object: JSON

    var name: String { object["metadata"]?["name"]?.stringValue ?? "" }
    var resourceVersion: String { object["metadata"]?["resourceVersion"]?.stringValue ?? "" }
}

/// Talks to one emulator on 127.0.0.1.
struct TestClient: Sendable {
    private typealias Connection = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    var port: Int
    var token: String?
    var tls: NIOSSLContext?

    init(port: Int, token: String? = nil, tls: NIOSSLContext? = nil) {
        self.port = port
        self.token = token
        self.tls = tls
    }

    init(_ emulator: KubeEmulator, token: String? = nil) {
        self.init(port: emulator.port, token: token)
    }

    private func connect() async throws -> Connection {
        let tls = self.tls
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: tls, serverHostname: nil))
                    }
                    // Like addHTTPClientHandlers(), but 1xx answers are forwarded so tests can see 100 Continue.
                    try channel.pipeline.syncOperations.addHandler(HTTPRequestEncoder())
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(
                        HTTPResponseDecoder(leftOverBytesStrategy: .dropBytes, informationalResponseStrategy: .forward)))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    private func head(_ method: String, _ path: String, body: [UInt8]?, contentType: String, accept: String?) -> HTTPRequestHead {
        var headers = HTTPHeaders([("Host", "127.0.0.1:\(port)"), ("Connection", "close")])
        if let token { headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let accept { headers.add(name: "Accept", value: accept) }
        if let body {
            headers.add(name: "Content-Type", value: contentType)
            headers.add(name: "Content-Length", value: String(body.count))
        }
        return HTTPRequestHead(version: .http1_1, method: HTTPMethod(rawValue: method), uri: path, headers: headers)
    }

    /// Sends one request and reads the whole response.
    func request(
        _ method: String, _ path: String, body: JSON? = nil, contentType: String = "application/json", accept: String? = nil,
        extraHeaders: [(String, String)] = []
    ) async throws -> TestResponse {
        let bytes = body?.serializedBytes()
        var requestHead = head(method, path, body: bytes, contentType: contentType, accept: accept)
        for (name, value) in extraHeaders { requestHead.headers.add(name: name, value: value) }
        let connection = try await connect()
        return try await connection.executeThenClose { inbound, outbound in
            try await outbound.write(.head(requestHead))
            if let bytes { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes)))) }
            try await outbound.write(.end(nil))
            var response = TestResponse(status: 0, headers: [], body: [])
            for try await part in inbound {
                switch part {
                case .head(let head):
                    if head.status.code < 200 {
                        response.informational.append(Int(head.status.code))
                        continue
                    }
                    response.status = Int(head.status.code)
                    response.headers = head.headers.map { ($0.name, $0.value) }
                case .body(var buffer):
                    response.body += buffer.readBytes(length: buffer.readableBytes) ?? []
                case .end:
                    if response.status == 0 { continue }
                    return response
                }
            }
            return response
        }
    }

    func get(_ path: String, accept: String? = nil) async throws -> TestResponse { try await request("GET", path, accept: accept) }
    func post(_ path: String, _ body: JSON) async throws -> TestResponse { try await request("POST", path, body: body) }
    func put(_ path: String, _ body: JSON) async throws -> TestResponse { try await request("PUT", path, body: body) }
    func delete(_ path: String, _ body: JSON? = nil) async throws -> TestResponse { try await request("DELETE", path, body: body) }
    func mergePatch(_ path: String, _ body: JSON) async throws -> TestResponse {
        try await request("PATCH", path, body: body, contentType: "application/merge-patch+json")
    }
    func jsonPatch(_ path: String, _ body: JSON) async throws -> TestResponse {
        try await request("PATCH", path, body: body, contentType: "application/json-patch+json")
    }

    /// Opens a watch; the stream yields the status first (as a pseudo event `HTTP` with `.int(code)`), then each event,
    /// and finishes when the server ends the response. Cancelling the consumer closes the connection.
    func watch(_ path: String) -> AsyncThrowingStream<TestWatchEvent, any Error> {
        let requestHead = head("GET", path, body: nil, contentType: "", accept: nil)
        let (stream, continuation) = AsyncThrowingStream<TestWatchEvent, any Error>.makeStream()
        let task = Task {
            do {
                let connection = try await connect()
                try await connection.executeThenClose { inbound, outbound in
                    try await outbound.write(.head(requestHead))
                    try await outbound.write(.end(nil))
                    var pending: [UInt8] = []
                    for try await part in inbound {
                        switch part {
                        case .head(let head):
                            continuation.yield(TestWatchEvent(type: "HTTP", object: .int(Int64(head.status.code))))
                        case .body(var buffer):
                            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
                            while let newline = pending.firstIndex(of: 0x0A) {
                                let line = Array(pending[..<newline])
                                pending.removeFirst(newline + 1)
                                let json = try JSON.parse(line)
                                continuation.yield(TestWatchEvent(type: json["type"]?.stringValue ?? "", object: json["object"] ?? .null))
                            }
                        case .end:
                            continuation.finish()
                            return
                        }
                    }
                    continuation.finish()
                }
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// Reads watch events one at a time.
struct WatchReader {
    var iterator: AsyncThrowingStream<TestWatchEvent, any Error>.AsyncIterator

    init(_ stream: AsyncThrowingStream<TestWatchEvent, any Error>) {
        iterator = stream.makeAsyncIterator()
    }

    /// The next event, or `nil` when the server ended the watch.
    mutating func next() async throws -> TestWatchEvent? { try await iterator.next() }

    /// The next event that is not a BOOKMARK.
    mutating func nextChange() async throws -> TestWatchEvent? {
        while let event = try await iterator.next() {
            if event.type != "BOOKMARK" { return event }
        }
        return nil
    }
}
