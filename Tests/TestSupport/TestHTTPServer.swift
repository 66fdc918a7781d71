// A tiny swift-nio HTTP/1.1 server on 127.0.0.1 for tests: closure handlers, optional TLS, slow streaming.
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// An HTTP/1.1 server on `127.0.0.1` and an ephemeral port whose responses are written by a closure.
///
/// The handler gets each request and a ``Responder`` to answer with a whole body, or to stream a chunked
/// body piece by piece (as slowly as it likes), or to close the connection. The server counts accepted TCP
/// connections, so tests can check connection reuse. Keep-alive is on.
///
/// ```swift
/// let server = try await TestHTTPServer.start { request, responder in
///     try await responder.respond(status: 200, body: "hello")
/// }
/// defer { Task { try await server.shutdown() } }
/// ```
public final class TestHTTPServer: Sendable {
    /// One received request.
    public struct Request: Sendable {
        /// The method, for example `GET`.
        public let method: String
        /// The request target: path and query.
        public let uri: String
        /// The header fields in order.
        public let headers: [HeaderField]
        /// The whole request body.
        public let body: [UInt8]
        /// Which accepted connection carried the request, counting from 1.
        public let connectionNumber: Int

        /// The first value of the header called `name` (case-insensitively), or `nil`.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The body as UTF-8 text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    /// A header field of a request or response.
    public struct HeaderField: Sendable, Hashable {
        /// The field name.
        public let name: String
        /// The field value.
        public let value: String

        /// Creates a field.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// TLS settings: the server's certificate and key files, and optionally a CA whose client
    /// certificates the server requires.
    public struct TLS: Sendable {
        /// PEM file of the server certificate.
        public var certificatePath: String
        /// PEM file of the server's private key.
        public var keyPath: String
        /// When set, clients must present a certificate signed by this CA (PEM file).
        public var requiredClientCAPath: String?

        /// Creates TLS settings.
        public init(certificatePath: String, keyPath: String, requiredClientCAPath: String? = nil) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
            self.requiredClientCAPath = requiredClientCAPath
        }

        /// TLS settings using a generated PKI's server certificate.
        public init(_ certificates: TLSTestCertificates, requireClientCertificate: Bool = false) {
            self.init(
                certificatePath: certificates.serverCertificatePath, keyPath: certificates.serverKeyPath,
                requiredClientCAPath: requireClientCertificate ? certificates.caCertificatePath : nil)
        }
    }

    /// Answers one request.
    public typealias Handler = @Sendable (Request, Responder) async throws -> Void

    /// The port the server listens on.
    public let port: Int
    private let serverChannel: any Channel
    private let state: ServerState

    /// `http://127.0.0.1:<port>` or `https://127.0.0.1:<port>`.
    public let baseURL: String

    /// How many TCP connections the server has accepted so far.
    public var acceptedConnections: Int { state.acceptedConnections }

    private init(port: Int, serverChannel: any Channel, state: ServerState, scheme: String) {
        self.port = port
        self.serverChannel = serverChannel
        self.state = state
        baseURL = "\(scheme)://127.0.0.1:\(port)"
    }

    /// Starts a server on `127.0.0.1` and an ephemeral port.
    public static func start(tls: TLS? = nil, handler: @escaping Handler) async throws -> TestHTTPServer {
        let sslContext = try tls.map { try makeSSLContext($0) }
        let state = ServerState()
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                let connectionNumber = state.accepted(channel)
                return channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(
                        RequestHandler(connectionNumber: connectionNumber, handler: handler))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else {
            try await channel.close()
            throw TestHTTPServerError.noPort
        }
        return TestHTTPServer(port: port, serverChannel: channel, state: state, scheme: tls == nil ? "http" : "https")
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async throws {
        try? await serverChannel.close()
        for channel in state.openChannels() {
            try? await channel.close()
        }
    }

    private static func makeSSLContext(_ tls: TLS) throws -> NIOSSLContext {
        let certificates = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificates.map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)))
        // Idle clients do not answer close_notify; do not hold shutdown for NIOSSL's default 5 s.
        configuration.shutdownTimeout = .milliseconds(100)
        if let caPath = tls.requiredClientCAPath {
            configuration.certificateVerification = .noHostnameVerification
            configuration.trustRoots = .file(caPath)
        }
        return try NIOSSLContext(configuration: configuration)
    }
}

/// Why a test server could not start.
public enum TestHTTPServerError: Error {
    /// The bound socket reported no port.
    case noPort
}

/// Writes the response to one request.
public final class Responder: Sendable {
    private let channel: any Channel

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Sends a complete response with `Content-Length`.
    public func respond(
        status: Int, headers: [TestHTTPServer.HeaderField] = [], body: [UInt8] = []
    ) async throws {
        var head = responseHead(status: status, headers: headers)
        head.headers.replaceOrAdd(name: "content-length", value: "\(body.count)")
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if !body.isEmpty {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    }

    /// Sends a complete response with a UTF-8 body.
    public func respond(status: Int, headers: [TestHTTPServer.HeaderField] = [], body: String) async throws {
        try await respond(status: status, headers: headers, body: Array(body.utf8))
    }

    /// Sends the head of a chunked response; follow with ``write(_:)-(Array<UInt8>)`` and ``end()``.
    ///
    /// With `flush: false` the head leaves together with the first chunk, so a client sees no gap
    /// between them even on a loaded machine (useful when testing idle timeouts).
    public func startStream(status: Int = 200, headers: [TestHTTPServer.HeaderField] = [], flush: Bool = true) async throws {
        let head = HTTPServerResponsePart.head(responseHead(status: status, headers: headers))
        if flush {
            try await channel.writeAndFlush(head)
        } else {
            channel.write(head, promise: nil)
        }
    }

    /// Sends one chunk of a streamed body and flushes it.
    public func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))))
    }

    /// Sends one UTF-8 chunk of a streamed body and flushes it.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    /// Ends a streamed body.
    public func end() async throws {
        try await channel.writeAndFlush(HTTPServerResponsePart.end(nil))
    }

    /// Closes the connection at once, for example in the middle of a response.
    public func closeConnection() async {
        try? await channel.close()
    }

    /// Returns when the connection has been closed (by either side).
    public func waitForConnectionClose() async {
        try? await channel.closeFuture.get()
    }

    private func responseHead(status: Int, headers: [TestHTTPServer.HeaderField]) -> HTTPResponseHead {
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status))
        for field in headers { head.headers.add(name: field.name, value: field.value) }
        return head
    }
}

/// Collects one request at a time and runs the handler for it.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart

    private let connectionNumber: Int
    private let handler: TestHTTPServer.Handler
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(connectionNumber: Int, handler: @escaping TestHTTPServer.Handler) {
        self.connectionNumber = connectionNumber
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            let request = TestHTTPServer.Request(
                method: head.method.rawValue, uri: head.uri,
                headers: head.headers.map { TestHTTPServer.HeaderField($0.name, $0.value) }, body: body,
                connectionNumber: connectionNumber)
            let channel = context.channel
            let handler = handler
            Task {
                do {
                    try await handler(request, Responder(channel: channel))
                } catch {
                    try? await channel.close()
                }
            }
            self.head = nil
            body = []
        }
    }
}

/// Accepted-connection count and the open connections, shared with the accept path.
private final class ServerState: Sendable {
    private struct Connections {
        var accepted = 0
        var open: [ObjectIdentifier: any Channel] = [:]
    }

    private let connections = Mutex(Connections())

    var acceptedConnections: Int { connections.withLock { $0.accepted } }

    /// Records a new connection and returns its number, counting from 1.
    func accepted(_ channel: any Channel) -> Int {
        let key = ObjectIdentifier(channel)
        let number = connections.withLock { connections in
            connections.accepted += 1
            connections.open[key] = channel
            return connections.accepted
        }
        channel.closeFuture.whenComplete { _ in
            self.connections.withLock { $0.open[key] = nil }
        }
        return number
    }

    func openChannels() -> [any Channel] {
        connections.withLock { Array($0.open.values) }
    }
}
