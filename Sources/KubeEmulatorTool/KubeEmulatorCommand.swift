// kube-emulator: serves the in-memory Kubernetes API until SIGTERM/SIGINT and writes a kubeconfig for it.
import ArgumentParser
import Foundation
import KubeEmulator
import Logging
import ServiceLifecycle

/// `kube-emulator --write-kubeconfig PATH [--port N] [--token T] [--tls-cert F --tls-key F]`.
@main
struct KubeEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-emulator",
        abstract: "An in-memory Kubernetes API server for tests and the lab (listens on 127.0.0.1 only).")

    @Option(name: .customLong("write-kubeconfig"), help: "Write a kubeconfig for kubectl and our binaries to this path.")
    var kubeconfigPath: String

    @Option(help: "Port to listen on (0 = pick a free one).")
    var port: Int = 0

    @Option(help: "Bearer token clients must send (default: a random one, written into the kubeconfig).")
    var token: String?

    @Option(name: .customLong("tls-cert"), help: "PEM certificate to serve HTTPS with (needs --tls-key).")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Flag(name: .customLong("plain-http"),
          help: "Serve plain HTTP instead of HTTPS with a generated certificate (kubectl then sends no token; use --token '').")
    var plainHTTP = false

    @Option(name: .customLong("bookmark-interval"), help: "Seconds between watch bookmarks.")
    var bookmarkSeconds: Int = 10

    func validate() throws {
        if (tlsCertificate == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together; give both or neither")
        }
        if plainHTTP && tlsCertificate != nil {
            throw ValidationError("--plain-http cannot be combined with --tls-cert/--tls-key")
        }
    }

    func run() async throws {
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        let logger = Logger(label: "kube-emulator")
        let token = self.token ?? UUID().uuidString.lowercased()
        var tls: KubeEmulator.TLS?
        if let tlsCertificate, let tlsKey {
            tls = try KubeEmulator.TLS(certificateFile: tlsCertificate, privateKeyFile: tlsKey)
        } else if !plainHTTP {
            tls = try await KubeEmulator.TLS.generateSelfSigned()
        }
        let emulator = try await KubeEmulator.start(.init(
            port: port, tokens: token.isEmpty ? [] : [token], tls: tls, bookmarkInterval: .seconds(bookmarkSeconds),
            logger: logger))
        try emulator.writeKubeconfig(to: kubeconfigPath, token: token.isEmpty ? nil : token,
                                     certificateAuthorityPEM: tls?.certificatePEM)
        logger.info("kubeconfig written", metadata: ["path": "\(kubeconfigPath)", "url": "\(emulator.url)"])
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: EmulatorService(emulator: emulator))],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// Keeps the emulator up until graceful shutdown, then stops it.
struct EmulatorService: Service {
    let emulator: KubeEmulator

    func run() async throws {
        try? await gracefulShutdown()
        await emulator.shutdown()
    }
}
