// Serves a NetBoxEmulator over HTTP/1.1 (optionally TLS) on a local port with swift-nio.
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running HTTP(S) endpoint in front of a ``NetBoxEmulator``, on 127.0.0.1 and an ephemeral port by default.
///
/// ```swift
/// let server = try await NetBoxServer.start(emulator: NetBoxEmulator())
/// defer { Task { await server.shutdown() } }
/// // talk to server.baseURL + "/api/ipam/prefixes/"
/// ```
public final class NetBoxServer: Sendable {
    /// The certificate chain and private key the server presents when serving TLS.
    public struct TLS: Sendable {
        /// The server certificate and its chain, PEM.
        public var certificateChainPEM: [UInt8]
        /// The server's private key, PEM.
        public var privateKeyPEM: [UInt8]

        /// Creates TLS material from PEM bytes.
        public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
        }

        func makeContext() throws -> NIOSSLContext {
            let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM)
            let key = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
            let configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
            return try NIOSSLContext(configuration: configuration)
        }
    }

    /// The emulator the server answers from.
    public let emulator: NetBoxEmulator
    /// The port the server listens on.
    public let port: Int
    /// Whether the server speaks TLS.
    public let isTLS: Bool
    private let serverChannel: any Channel
    private let acceptLoop: Task<Void, Never>

    /// `http://127.0.0.1:PORT` (or `https://…`): prepend to `/api/…`.
    public var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(emulator: NetBoxEmulator, port: Int, isTLS: Bool, serverChannel: any Channel, acceptLoop: Task<Void, Never>) {
        self.emulator = emulator
        self.port = port
        self.isTLS = isTLS
        self.serverChannel = serverChannel
        self.acceptLoop = acceptLoop
    }

    /// Starts listening on `host:port` (port 0 picks a free one) and serving `emulator`.
    public static func start(
        emulator: NetBoxEmulator, host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil,
        logger: Logger = Logger(label: "netbox-emulator")
    ) async throws -> NetBoxServer {
        let sslContext = try tls?.makeContext()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = listener.channel.localAddress?.port ?? port
        let isTLS = sslContext != nil
        let acceptLoop = Task {
            do {
                try await listener.executeThenClose { connections in
                    await withDiscardingTaskGroup { group in
                        do {
                            for try await connection in connections {
                                group.addTask {
                                    await serve(connection, emulator: emulator, isTLS: isTLS, port: boundPort, logger: logger)
                                }
                            }
                        } catch {
                            logger.debug("NetBox emulator stopped accepting", metadata: ["error": "\(error)"])
                        }
                        group.cancelAll()
                    }
                }
            } catch {
                logger.debug("NetBox emulator listener closed", metadata: ["error": "\(error)"])
            }
        }
        logger.debug("NetBox emulator listening", metadata: ["port": "\(boundPort)", "tls": "\(isTLS)"])
        return NetBoxServer(emulator: emulator, port: boundPort, isTLS: isTLS, serverChannel: listener.channel, acceptLoop: acceptLoop)
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async {
        try? await serverChannel.close()
        acceptLoop.cancel()
        await acceptLoop.value
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, emulator: NetBoxEmulator,
        isTLS: Bool, port: Int, logger: Logger
    ) async {
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body: [UInt8] = []
                // After a dropped request (an injected timeout) nothing more is answered on this connection.
                var silenced = false
                for try await part in inbound where !silenced {
                    switch part {
                    case .head(let requestHead):
                        head = requestHead
                        body = []
                    case .body(var buffer):
                        body += buffer.readBytes(length: buffer.readableBytes) ?? []
                    case .end:
                        guard let requestHead = head else { continue }
                        let request = NetBoxRequest(
                            method: requestHead.method.rawValue, target: requestHead.uri,
                            headers: requestHead.headers.map { ($0.name, $0.value) }, body: body, isTLS: isTLS,
                            serverPort: port)
                        switch await emulator.dispose(request) {
                        case .noAnswer:
                            silenced = true
                        case .resetConnection(let delay):
                            if delay > .zero { try await Task.sleep(for: delay) }
                            // SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
                            if let socket = channel as? any SocketOptionProvider {
                                try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                            }
                            return
                        case .respond(let response, let delay):
                            if delay > .zero { try await Task.sleep(for: delay) }
                            var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                            headers.add(name: "Content-Length", value: String(response.body.count))
                            if !requestHead.isKeepAlive { headers.add(name: "Connection", value: "close") }
                            let status = HTTPResponseStatus(statusCode: response.status)
                            try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers)))
                            if requestHead.method != .HEAD {
                                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                            }
                            try await outbound.write(.end(nil))
                            if !requestHead.isKeepAlive { return }
                        }
                        head = nil
                    }
                }
            }
        } catch {
            logger.trace("NetBox emulator connection ended", metadata: ["error": "\(error)"])
        }
    }
}
