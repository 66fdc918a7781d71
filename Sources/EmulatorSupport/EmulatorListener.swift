// Binds an emulator's listening socket with swift-nio: optional TLS, then an HTTP/1.1 server pipeline per connection.
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// One accepted HTTP/1.1 connection, read and written as request and response parts.
package typealias EmulatorHTTPConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// The listening socket every emulator (Kubernetes, phpIPAM, NetBox) serves from.
package enum EmulatorListener {
    /// Listens on `host:port` (port 0 picks a free one) with `SO_REUSEADDR`, `TCP_NODELAY` on every connection,
    /// the accept queue `backlog` (128 is swift-nio's default) and, when `tls` is set, TLS before HTTP.
    package static func bind(
        host: String, port: Int, tls: NIOSSLContext?, backlog: Int32 = 128
    ) async throws -> NIOAsyncChannel<EmulatorHTTPConnection, Never> {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    return try EmulatorHTTPConnection(wrappingChannelSynchronously: channel)
                }
            }
    }
}
