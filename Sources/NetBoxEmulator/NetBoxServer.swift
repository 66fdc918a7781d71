// Serves a NetBoxEmulator over HTTP/1.1 (optionally TLS) on a local port, through EmulatorSupport's server.
import EmulatorSupport
import Logging

/// A running HTTP(S) endpoint in front of a ``NetBoxEmulator``, on 127.0.0.1 and an ephemeral port by default.
///
/// ```swift
/// let server = try await NetBoxServer.start(emulator: NetBoxEmulator())
/// defer { Task { await server.shutdown() } }
/// // talk to server.baseURL + "/api/ipam/prefixes/"
/// ```
public final class NetBoxServer: Sendable {
    /// The certificate chain and private key the server presents when serving TLS.
    public typealias TLS = EmulatorTLS

    /// The emulator the server answers from.
    public let emulator: NetBoxEmulator
    private let server: EmulatorHTTPServer

    /// The port the server listens on.
    public var port: Int { server.port }
    /// Whether the server speaks TLS.
    public var isTLS: Bool { server.isTLS }
    /// `http://127.0.0.1:PORT` (or `https://…`): prepend to `/api/…`.
    public var baseURL: String { server.baseURL }

    private init(emulator: NetBoxEmulator, server: EmulatorHTTPServer) {
        self.emulator = emulator
        self.server = server
    }

    /// Starts listening on `host:port` (port 0 picks a free one) and serving `emulator`.
    public static func start(
        emulator: NetBoxEmulator, host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil,
        logger: Logger = Logger(label: "netbox-emulator")
    ) async throws -> NetBoxServer {
        let server = try await EmulatorHTTPServer.start(host: host, port: port, tls: tls, name: "NetBox emulator", logger: logger) {
            await emulator.dispose(
                NetBoxRequest(
                    method: $0.method, target: $0.target, headers: $0.headers, body: $0.body, isTLS: $0.isTLS,
                    serverPort: $0.serverPort))
        }
        return NetBoxServer(emulator: emulator, server: server)
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async {
        await server.shutdown()
    }
}
