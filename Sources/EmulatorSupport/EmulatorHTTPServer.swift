// Serves an IPAM emulator over HTTP/1.1 (optionally TLS) with swift-nio: answers, delays, resets and silence.
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A running HTTP(S) endpoint that hands every request to a `dispose` function and carries out its
/// ``EmulatorDisposition``: answer after a delay, reset the connection, or never answer.
package final class EmulatorHTTPServer: Sendable {
    /// One request as the network layer read it.
    package struct Request: Sendable {
        /// The method as sent (`GET`, `POST`, …).
        package var method: String
        /// The request target: path plus optional query.
        package var target: String
        /// The header fields as received.
        package var headers: [(name: String, value: String)]
        /// The body bytes (empty for none).
        package var body: [UInt8]
        /// The client's IP address (`127.0.0.1` when the socket does not say).
        package var clientAddress: String
        /// Whether the connection uses TLS.
        package var isTLS: Bool
        /// The port the server listens on.
        package var serverPort: Int
    }

    /// The port the server listens on.
    package let port: Int
    /// Whether the server speaks TLS.
    package let isTLS: Bool
    private let serverChannel: any Channel
    private let acceptLoop: Task<Void, Never>

    /// `http://127.0.0.1:PORT` (or `https://…`).
    package var baseURL: String { "\(isTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(port: Int, isTLS: Bool, serverChannel: any Channel, acceptLoop: Task<Void, Never>) {
        self.port = port
        self.isTLS = isTLS
        self.serverChannel = serverChannel
        self.acceptLoop = acceptLoop
    }

    /// Starts listening on `host:port` (port 0 picks a free one). `name` (e.g. `NetBox emulator`) starts the
    /// debug log lines; `extraResponseHeaders` follow `Content-Length` in every answer.
    package static func start(
        host: String, port: Int, tls: EmulatorTLS?, name: String, logger: Logger,
        extraResponseHeaders: [(name: String, value: String)] = [],
        dispose: @escaping @Sendable (Request) async -> EmulatorDisposition
    ) async throws -> EmulatorHTTPServer {
        let sslContext = try tls?.makeContext()
        let listener = try await EmulatorListener.bind(host: host, port: port, tls: sslContext)
        let boundPort = listener.channel.localAddress?.port ?? port
        let isTLS = sslContext != nil
        let connectionContext = ConnectionContext(
            isTLS: isTLS, port: boundPort, name: name, logger: logger, extraResponseHeaders: extraResponseHeaders, dispose: dispose)
        let acceptLoop = Task {
            do {
                try await listener.executeThenClose { connections in
                    await withDiscardingTaskGroup { group in
                        do {
                            for try await connection in connections {
                                group.addTask { await serve(connection, connectionContext) }
                            }
                        } catch {
                            logger.debug("\(name) stopped accepting", metadata: ["error": "\(error)"])
                        }
                        group.cancelAll()
                    }
                }
            } catch {
                logger.debug("\(name) listener closed", metadata: ["error": "\(error)"])
            }
        }
        logger.debug("\(name) listening", metadata: ["port": "\(boundPort)", "tls": "\(isTLS)"])
        return EmulatorHTTPServer(port: boundPort, isTLS: isTLS, serverChannel: listener.channel, acceptLoop: acceptLoop)
    }

    /// Stops listening and closes every open connection.
    package func shutdown() async {
        try? await serverChannel.close()
        acceptLoop.cancel()
        await acceptLoop.value
    }

    /// What every connection of one server shares.
    private struct ConnectionContext: Sendable {
        let isTLS: Bool
        let port: Int
        let name: String
        let logger: Logger
        let extraResponseHeaders: [(name: String, value: String)]
        let dispose: @Sendable (Request) async -> EmulatorDisposition
    }

    private static func serve(_ connection: EmulatorHTTPConnection, _ context: ConnectionContext) async {
        let channel = connection.channel
        let client = channel.remoteAddress?.ipAddress ?? "127.0.0.1"
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await HTTPRequestReader.forEachRequest(in: inbound) { requestHead, body in
                    let request = Request(
                        method: requestHead.method.rawValue, target: requestHead.uri,
                        headers: requestHead.headers.map { ($0.name, $0.value) }, body: body,
                        clientAddress: client, isTLS: context.isTLS, serverPort: context.port)
                    switch await context.dispose(request) {
                    case .noAnswer:
                        // After a dropped request (an injected timeout) nothing more is answered on this connection.
                        return .ignoreRest
                    case .resetConnection(let delay):
                        if delay > .zero { try await Task.sleep(for: delay) }
                        // SO_LINGER 0 makes close() send a TCP RST instead of a FIN.
                        if let socket = channel as? any SocketOptionProvider {
                            try await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                        }
                        return .close
                    case .respond(let response, let delay):
                        if delay > .zero { try await Task.sleep(for: delay) }
                        var headers = HTTPHeaders(response.headers.map { ($0.name, $0.value) })
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        headers.add(contentsOf: context.extraResponseHeaders.map { ($0.name, $0.value) })
                        if !requestHead.isKeepAlive { headers.add(name: "Connection", value: "close") }
                        let status = HTTPResponseStatus(statusCode: response.status)
                        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: status, headers: headers)))
                        // A response to HEAD has no body (swift-nio's encoder would refuse one).
                        if requestHead.method != .HEAD {
                            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        }
                        try await outbound.write(.end(nil))
                        return requestHead.isKeepAlive ? .readNext : .close
                    }
                }
            }
        } catch {
            context.logger.trace("\(context.name) connection ended", metadata: ["error": "\(error)"])
        }
    }
}
