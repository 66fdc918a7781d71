// The operations HTTP endpoint: /healthz, /readyz and /metrics on one port.
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// Serves `/healthz` (the process is alive), `/readyz` (every ``HealthState`` check passes) and
/// `/metrics` (the Prometheus text of a swift-prometheus registry, usually the one ``ProcessMetrics/bootstrap()``
/// made the process-wide swift-metrics backend).
///
/// Bind first (``bind(host:port:metrics:health:logger:)``) to learn the port, then `run()` it as a
/// `Service`: it serves until graceful shutdown or cancellation.
///
/// It runs on one event-loop thread of its own (not NIO's singleton group, which starts a thread per
/// core): three small routes for probes and scrapes need no more, and the agent runs on every node.
public final class OpsServer: Service, Sendable {
    /// The port the server listens on (useful when bound to port 0).
    public let port: Int
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup
    private let logger: Logger

    private init(channel: any Channel, group: MultiThreadedEventLoopGroup, port: Int, logger: Logger) {
        self.channel = channel
        self.group = group
        self.port = port
        self.logger = logger
    }

    /// Binds the listening socket. `host` defaults to all interfaces because probes come from the kubelet.
    public static func bind(
        host: String = "0.0.0.0", port: Int, metrics: PrometheusCollectorRegistry, health: HealthState, logger: Logger
    ) async throws -> OpsServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    channel.pipeline.configureHTTPServerPipeline().flatMap {
                        channel.pipeline.addHandler(OpsHandler(metrics: metrics, health: health))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let boundPort = channel.localAddress?.port ?? port
        logger.info("operations endpoint listening", metadata: ["address": "\(host):\(boundPort)"])
        return OpsServer(channel: channel, group: group, port: boundPort, logger: logger)
    }

    /// Serves until graceful shutdown or cancellation, then closes the socket and stops its thread.
    public func run() async throws {
        let channel = self.channel
        do {
            try await withTaskCancellationOrGracefulShutdownHandler {
                try await channel.closeFuture.get()
            } onCancelOrGracefulShutdown: {
                channel.close(promise: nil)
            }
        } catch {
            await close()
            throw error
        }
        await close()
    }

    /// Closes the listening socket and stops the server's thread; closing twice does nothing more.
    public func close() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Answers one request at a time on a connection; the routes are fixed.
private final class OpsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let metrics: PrometheusCollectorRegistry
    let health: HealthState

    init(metrics: PrometheusCollectorRegistry, health: HealthState) {
        self.metrics = metrics
        self.health = health
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let (status, contentType, body): (HTTPResponseStatus, String, [UInt8])
        switch (head.method, path) {
        case (.GET, "/healthz"), (.GET, "/livez"):
            (status, contentType, body) = (.ok, "text/plain; charset=utf-8", Array("ok\n".utf8))
        case (.GET, "/readyz"):
            let ready = health.isReady
            (status, contentType, body) = (
                ready ? .ok : .serviceUnavailable, "text/plain; charset=utf-8", Array((health.report() + "\n").utf8))
        case (.GET, "/metrics"):
            (status, contentType, body) = (.ok, "text/plain; version=0.0.4; charset=utf-8", metrics.emitToBuffer())
        case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"):
            (status, contentType, body) = (.methodNotAllowed, "text/plain; charset=utf-8", Array("only GET is allowed\n".utf8))
        default:
            (status, contentType, body) = (
                .notFound, "text/plain; charset=utf-8", Array("not found: try /healthz, /readyz or /metrics\n".utf8))
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            done.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}

extension OpsServer: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "ops server on port \(port)" }
}
