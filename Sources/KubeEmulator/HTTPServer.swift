// The swift-nio HTTP/1.1 shell: accepts connections (optionally TLS), reads requests, writes responses and watch streams.
import EmulatorSupport
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL
import Synchronization

/// Serves an `EmulatorCore` over HTTP/1.1 with keep-alive; watches are streamed with chunked encoding.
final class HTTPServer: Sendable {
    private typealias Connection = EmulatorHTTPConnection

    private let core: EmulatorCore
    private let serverChannel: any Channel
    private let acceptTask: Task<Void, Never>
    private let openConnections: ConnectionRegistry
    let port: Int

    private init(core: EmulatorCore, serverChannel: any Channel, acceptTask: Task<Void, Never>,
                 openConnections: ConnectionRegistry, port: Int) {
        self.core = core
        self.serverChannel = serverChannel
        self.acceptTask = acceptTask
        self.openConnections = openConnections
        self.port = port
    }

    static func start(core: EmulatorCore, host: String, port: Int, tls: NIOSSLContext?) async throws -> HTTPServer {
        let listener = try await EmulatorListener.bind(host: host, port: port, tls: tls, backlog: 256)
        let boundPort = listener.channel.localAddress?.port ?? port
        let connections = ConnectionRegistry()
        let logger = core.logger
        let acceptTask = Task {
            do {
                try await listener.executeThenClose { inbound in
                    try await withThrowingDiscardingTaskGroup { group in
                        for try await connection in inbound {
                            let key = ObjectIdentifier(connection.channel)
                            connections.channels.withLock { $0[key] = connection.channel }
                            group.addTask {
                                await Self.serve(connection, core: core)
                                _ = connections.channels.withLock { $0.removeValue(forKey: key) }
                            }
                        }
                    }
                }
            } catch {
                logger.debug("listener stopped", metadata: ["error": "\(error)"])
            }
        }
        return HTTPServer(core: core, serverChannel: listener.channel, acceptTask: acceptTask, openConnections: connections,
                          port: boundPort)
    }

    /// Stops accepting, ends every watch and closes every connection.
    func shutdown() async {
        try? await serverChannel.close()
        core.closeAllWatches()
        let channels = openConnections.channels.withLock { Array($0.values) }
        for channel in channels { try? await channel.close() }
        acceptTask.cancel()
        await acceptTask.value
    }

    private static func serve(_ connection: Connection, core: EmulatorCore) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                try await HTTPRequestReader.forEachRequest(in: inbound) { requestHead in
                    // curl sends `Expect: 100-continue` for larger bodies and waits a second unless told to go on.
                    if requestHead.headers["expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                        try await outbound.write(.head(HTTPResponseHead(version: requestHead.version, status: .continue)))
                    }
                } handle: { requestHead, body in
                    var headers: [String: String] = [:]
                    for (name, value) in requestHead.headers { headers[name.lowercased()] = value }
                    let request = APIRequest(method: requestHead.method.rawValue, target: requestHead.uri, headers: headers, body: body)
                    let response = await core.handle(request)
                    let keepAlive = requestHead.isKeepAlive
                    switch response {
                    case .full(let status, let contentType, let responseBody, let extraHeaders):
                        var responseHeaders = HTTPHeaders([("Content-Type", contentType),
                                                           ("Content-Length", String(responseBody.count))])
                        for (name, value) in extraHeaders { responseHeaders.add(name: name, value: value) }
                        if !keepAlive { responseHeaders.add(name: "Connection", value: "close") }
                        try await outbound.write(.head(HTTPResponseHead(
                            version: requestHead.version, status: HTTPResponseStatus(statusCode: status), headers: responseHeaders)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: responseBody))))
                        try await outbound.write(.end(nil))
                    case .watch(let session):
                        try await stream(session, version: requestHead.version, outbound: outbound, channel: connection.channel)
                    }
                    return keepAlive ? .readNext : .close
                }
            }
        } catch {
            core.logger.trace("connection ended", metadata: ["error": "\(error)"])
        }
    }

    private static func stream(
        _ session: WatchSession, version: HTTPVersion, outbound: NIOAsyncChannelOutboundWriter<HTTPPart<HTTPResponseHead, IOData>>,
        channel: any Channel
    ) async throws {
        channel.closeFuture.whenComplete { _ in session.end() }
        let headers = HTTPHeaders([("Content-Type", session.contentType), ("Transfer-Encoding", "chunked"),
                                   ("Cache-Control", "no-cache, private")])
        try await outbound.write(.head(HTTPResponseHead(version: version, status: .ok, headers: headers)))
        let failed: (any Error)? = await withTaskGroup(of: Void.self) { group in
            group.addTask { await session.runTimers() }
            var failure: (any Error)?
            for await message in session.messages {
                do {
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: session.encode(message)))))
                } catch {
                    failure = error
                    break
                }
            }
            session.end()
            group.cancelAll()
            return failure
        }
        if let failed { throw failed }
        try await outbound.write(.end(nil))
    }
}

/// The open client connections, so shutdown can close idle keep-alive connections too.
private final class ConnectionRegistry: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
}
