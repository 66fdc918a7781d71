// A minimal swift-nio HTTP/1.1 server on 127.0.0.1 for the HTTP benchmark, counting accepted connections.

import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Answers `/stream` with 64 MiB in 64 KiB chunks and everything else with a 2-byte body.
struct BenchmarkServer {
    let channel: any Channel
    let connections: ConnectionCounter

    var baseURL: String { "http://127.0.0.1:\(channel.localAddress?.port ?? 0)" }
    var acceptedConnections: Int { connections.value.load(ordering: .relaxed) }

    static func start() async throws -> BenchmarkServer {
        let connections = ConnectionCounter()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .childChannelInitializer { channel in
                connections.value.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(BenchmarkHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BenchmarkServer(channel: channel, connections: connections)
    }

    func stop() async throws {
        try await channel.close()
    }
}

/// Accepted connections, counted on the event loops and read by the benchmark.
final class ConnectionCounter: Sendable {
    let value = Atomic<Int>(0)
}

final class BenchmarkHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        if head.uri == "/stream" {
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok))), promise: nil)
            let chunk = ByteBuffer(repeating: 120, count: 65_536)
            for _ in 0..<1024 { context.write(wrapOutboundOut(.body(.byteBuffer(chunk))), promise: nil) }
        } else {
            let response = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["content-length": "2"])
            context.write(wrapOutboundOut(.head(response)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "ok")))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
