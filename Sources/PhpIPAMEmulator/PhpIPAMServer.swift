// Serves a PhpIPAMEmulator over HTTP/1.1 (optionally TLS) on a local port, through EmulatorSupport's server.
import EmulatorSupport
import Logging

/// A running HTTP(S) endpoint in front of a ``PhpIPAMEmulator``.
///
/// ```swift
/// let server = try await PhpIPAMServer.start(emulator: PhpIPAMEmulator())
/// defer { Task { await server.shutdown() } }
/// // talk to server.baseURL + "/api/iksnone/…"
/// ```
public final class PhpIPAMServer: Sendable {
    /// The certificate chain and private key the server presents when serving TLS.
    public typealias TLS = EmulatorTLS

    /// The emulator the server answers from.
    public let emulator: PhpIPAMEmulator
    private let server: EmulatorHTTPServer

    /// The port the server listens on.
    public var port: Int { server.port }
    /// Whether the server speaks TLS.
    public var isTLS: Bool { server.isTLS }
    /// `http://127.0.0.1:PORT` (or `https://…`): prepend to `/api/{app}/…`.
    public var baseURL: String { server.baseURL }

    private init(emulator: PhpIPAMEmulator, server: EmulatorHTTPServer) {
        self.emulator = emulator
        self.server = server
    }

    /// Starts listening on `host:port` (port 0 picks a free one) and serving `emulator`.
    public static func start(
        emulator: PhpIPAMEmulator, host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil,
        logger: Logger = Logger(label: "phpipam-emulator")
    ) async throws -> PhpIPAMServer {
        // phpIPAM's PHP session cookie, sent with every answer.
        let cookie = [(name: "Set-Cookie", value: "phpipam=emulatorsession; path=/; Secure; HttpOnly")]
        let server = try await EmulatorHTTPServer.start(
            host: host, port: port, tls: tls, name: "phpIPAM emulator", logger: logger, extraResponseHeaders: cookie
        ) {
            await emulator.dispose(
                PhpIPAMRequest(
                    method: $0.method, target: $0.target, headers: $0.headers, body: $0.body,
                    clientAddress: $0.clientAddress, isTLS: $0.isTLS, serverPort: $0.serverPort))
        }
        return PhpIPAMServer(emulator: emulator, server: server)
    }

    /// Stops listening and closes every open connection.
    public func shutdown() async {
        await server.shutdown()
    }
}
