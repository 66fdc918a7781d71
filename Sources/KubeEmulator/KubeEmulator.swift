// The public face of the emulator: start/stop, seeding and inspection, fault injection and request counters.
import EmulatorSupport
import Foundation
import Logging
import NIOSSL

/// An in-memory Kubernetes API server with kube-apiserver semantics for the resources this project uses.
///
/// ```swift
/// let emulator = try await KubeEmulator.start(.init(tokens: ["secret"]))
/// defer { Task { await emulator.shutdown() } }
/// try emulator.writeKubeconfig(to: "/tmp/kubeconfig", token: "secret")
/// ```
/// It listens on 127.0.0.1 only. Everything lives in memory and disappears with `shutdown()`.
///
/// Served: discovery and an OpenAPI v3 index (enough for `kubectl get/apply/create/patch/delete/wait/get -w`),
/// namespaces, nodes, configmaps, secrets, serviceaccounts, core and events.k8s.io Events (one storage),
/// leases, CustomResourceDefinitions and the resources they define (schema pruning, defaults and validation,
/// a CEL subset, printer columns), with kube-apiserver semantics for resourceVersion, generation, status
/// subresources, finalizers, garbage collection, selectors, patches, paging and watches.
///
/// - Important: Known simplifications: server-side apply is a merge patch (no field ownership); strategic
///   merge patch is a merge patch without list merge keys; custom resources with several versions are not
///   converted (only `apiVersion` is rewritten); protobuf request bodies are decoded for ConfigMap, Secret,
///   Namespace and ServiceAccount only (what `kubectl create <generator>` sends); CEL rules outside the
///   supported subset are skipped and logged once. kubectl sends bearer tokens only over TLS: use
///   `TLS.generateSelfSigned()` when kubectl must reach an emulator that has tokens.
public final class KubeEmulator: Sendable {
    /// Settings for `start(_:)`.
    public struct Configuration: Sendable {
        /// Address to listen on; keep the default (tests must stay on loopback).
        public var host: String
        /// Port to listen on; 0 picks an ephemeral port.
        public var port: Int
        /// Accepted bearer tokens; empty disables authentication.
        public var tokens: [String]
        /// Serve HTTPS with this certificate and key.
        public var tls: TLS?
        /// How often watches that asked for bookmarks get one (the real server: about a minute).
        public var bookmarkInterval: Duration
        /// How many events the history keeps; watches from older resourceVersions get 410 Expired.
        public var historyLimit: Int
        /// The wall clock used for timestamps (`creationTimestamp`, `deletionTimestamp`, ages).
        public var now: @Sendable () -> Date
        /// Where the emulator logs.
        public var logger: Logger

        /// Creates a configuration; every parameter has a test-friendly default.
        public init(
            host: String = "127.0.0.1", port: Int = 0, tokens: [String] = [], tls: TLS? = nil,
            bookmarkInterval: Duration = .seconds(5), historyLimit: Int = 10_000,
            now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "kube-emulator")
        ) {
            self.host = host
            self.port = port
            self.tokens = tokens
            self.tls = tls
            self.bookmarkInterval = bookmarkInterval
            self.historyLimit = historyLimit
            self.now = now
            self.logger = logger
        }
    }

    /// A PEM certificate chain and private key for HTTPS.
    public struct TLS: Sendable {
        /// PEM bytes of the server certificate (chain).
        public var certificatePEM: [UInt8]
        /// PEM bytes of its private key.
        public var privateKeyPEM: [UInt8]

        /// Uses PEM bytes already in memory.
        public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }

        /// Reads the PEM files at the given paths.
        public init(certificateFile: String, privateKeyFile: String) throws(KubeEmulatorError) {
            do {
                certificatePEM = Array(try Data(contentsOf: URL(fileURLWithPath: certificateFile)))
                privateKeyPEM = Array(try Data(contentsOf: URL(fileURLWithPath: privateKeyFile)))
            } catch {
                throw .tls("cannot read \(certificateFile) or \(privateKeyFile): \(error)")
            }
        }
    }

    private let core: EmulatorCore
    private let server: HTTPServer
    private let usesTLS: Bool

    /// The port the emulator listens on.
    public var port: Int { server.port }

    /// The base URL, e.g. `http://127.0.0.1:43121` (`https` with TLS).
    public var url: String { "\(usesTLS ? "https" : "http")://127.0.0.1:\(port)" }

    private init(core: EmulatorCore, server: HTTPServer, usesTLS: Bool) {
        self.core = core
        self.server = server
        self.usesTLS = usesTLS
    }

    /// Starts serving; returns once the port is bound.
    public static func start(_ configuration: Configuration = Configuration()) async throws -> KubeEmulator {
        let core = EmulatorCore(configuration: configuration)
        var context: NIOSSLContext?
        if let tls = configuration.tls {
            do {
                context = try EmulatorTLS(certificateChainPEM: tls.certificatePEM, privateKeyPEM: tls.privateKeyPEM).makeContext()
            } catch {
                throw KubeEmulatorError.tls("the certificate or key is not usable PEM: \(error)")
            }
        }
        let server: HTTPServer
        do {
            server = try await HTTPServer.start(core: core, host: configuration.host, port: configuration.port, tls: context)
        } catch {
            throw KubeEmulatorError.bindFailed("cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
        core.serverAddress.withLock { $0 = "\(configuration.host):\(server.port)" }
        configuration.logger.info("kube emulator listening", metadata: ["port": "\(server.port)", "tls": "\(context != nil)"])
        return KubeEmulator(core: core, server: server, usesTLS: context != nil)
    }

    /// Stops listening, ends all watches and closes all connections.
    public func shutdown() async {
        await server.shutdown()
    }

    // MARK: - Seeding and inspection

    /// Creates an object as a POST would (same defaults, validation and events); returns the stored object.
    @discardableResult
    public func create(_ object: JSON) throws(KubeEmulatorError) -> JSON {
        let path = try resourcePath(of: object)
        let namespace = path.resource.namespaced ? (object["metadata"]?["namespace"]?.stringValue ?? "default") : nil
        switch core.state.withLock({
            $0.create(path.toStorage(object), resource: path.storage, apiVersion: path.storageAPIVersion, namespace: namespace)
        }) {
        case .success(let stored): return path.present(stored)
        case .failure(let error): throw .rejected(code: error.code, message: error.message)
        }
    }

    /// Parses a JSON document and creates it (see `create(_:)`).
    @discardableResult
    public func create(json: String) throws(KubeEmulatorError) -> JSON {
        let object: JSON
        do {
            object = try JSON.parse(json)
        } catch {
            throw .rejected(code: 400, message: error.description)
        }
        return try create(object)
    }

    /// The stored object, or `nil`.
    public func object(apiVersion: String, kind: String, namespace: String? = nil, name: String) -> JSON? {
        guard let path = path(apiVersion: apiVersion, kind: kind) else { return nil }
        return core.state.withLock { $0.object(path.storage, namespace: namespace, name: name) }.map(path.present)
    }

    /// All stored objects of a kind (every namespace), sorted by namespace and name.
    public func objects(apiVersion: String, kind: String) -> [JSON] {
        guard let path = path(apiVersion: apiVersion, kind: kind) else { return [] }
        return core.state.withLock { state in
            let stored = state.objects[path.storage.key] ?? [:]
            return stored.keys.sorted().compactMap { stored[$0] }
        }.map(path.present)
    }

    /// The current (latest) resourceVersion.
    public var resourceVersion: String { core.state.withLock { String($0.resourceVersion) } }

    private func path(apiVersion: String, kind: String) -> ResourcePath? {
        guard let resource = core.resource(apiVersion: apiVersion, kind: kind) else { return nil }
        return ResourcePath(resource: resource, version: EmulatorCore.split(apiVersion: apiVersion).version)
    }

    private func resourcePath(of object: JSON) throws(KubeEmulatorError) -> ResourcePath {
        guard let apiVersion = object["apiVersion"]?.stringValue, let kind = object["kind"]?.stringValue else {
            throw .rejected(code: 400, message: "the object needs apiVersion and kind")
        }
        guard let path = path(apiVersion: apiVersion, kind: kind) else {
            throw .rejected(code: 404, message: "no resource serves \(kind) in \(apiVersion); create its CustomResourceDefinition first")
        }
        return path
    }

    // MARK: - Fault injection

    /// Ends every open watch now (clients see a clean end of stream and should re-watch from their last RV).
    public func closeAllWatches() { core.closeAllWatches() }

    /// Forgets all history: watches and paged lists from any resourceVersion before now get 410 Expired.
    public func compactHistory() { core.state.withLock { $0.compact() } }

    /// Makes upcoming requests fail (see `InjectedFailure`).
    public func injectFailure(_ failure: InjectedFailure) { core.faults.inject(failure) }

    /// Makes the next `count` requests (optionally only those whose path contains `pathContaining`) fail with `status`.
    public func failNextRequests(_ count: Int, status: Int, pathContaining: String? = nil, method: String? = nil) {
        core.faults.inject(InjectedFailure(count: count, status: status, pathContaining: pathContaining, method: method))
    }

    /// Drops all pending injected failures.
    public func clearInjectedFailures() { core.faults.clearFailures() }

    /// Delays every request by `latency` (zero turns it off).
    public func setLatency(_ latency: Duration) { core.faults.latency = latency }

    /// Sends a BOOKMARK now to every watch that allowed bookmarks.
    public func sendBookmarks() {
        core.state.withLock { state in
            for id in state.watchers.keys { _ = state.bookmark(for: id) }
        }
    }

    /// How many watches are open.
    public var openWatchCount: Int { core.state.withLock { $0.watchers.count } }

    // MARK: - Counters

    /// Requests served so far, by verb and resource (`plural[.group][/status]`).
    public var requestCounts: [RequestCountKey: Int] { core.faults.counts }

    /// Requests with `verb` on `resource` (`nodes`, `nodeoverlayips.iks.ibm.com/status`, …).
    public func requestCount(verb: String, resource: String) -> Int {
        core.faults.counts[RequestCountKey(verb: verb, resource: resource)] ?? 0
    }

    /// All writes (create, update, patch, delete) so far; with `resource`, only those on it (status included).
    public func writeCount(resource: String? = nil) -> Int {
        core.faults.counts.filter { key, _ in
            key.isWrite && (resource.map { key.resource == $0 || key.resource == "\($0)/status" } ?? true)
        }.values.reduce(0, +)
    }

    /// Sets every counter back to zero.
    public func resetRequestCounts() { core.faults.resetCounts() }

    // MARK: - kubeconfig

    /// A kubeconfig (YAML) pointing at this emulator with `token`; with TLS, `certificateAuthorityPEM` is embedded
    /// (or `insecure-skip-tls-verify` when it is `nil`).
    public func kubeconfig(token: String?, certificateAuthorityPEM: [UInt8]? = nil, namespace: String = "default") -> String {
        var cluster = "    server: \(url)\n"
        if usesTLS {
            if let certificateAuthorityPEM {
                cluster += "    certificate-authority-data: \(Data(certificateAuthorityPEM).base64EncodedString())\n"
            } else {
                cluster += "    insecure-skip-tls-verify: true\n"
            }
        }
        let user = token.map { "    token: \($0)\n" } ?? "    {}\n"
        return """
            apiVersion: v1
            kind: Config
            clusters:
            - name: kube-emulator
              cluster:
            \(cluster)contexts:
            - name: kube-emulator
              context:
                cluster: kube-emulator
                user: kube-emulator
                namespace: \(namespace)
            current-context: kube-emulator
            users:
            - name: kube-emulator
              user:
            \(user)
            """
    }

    /// Writes `kubeconfig(token:certificateAuthorityPEM:)` to `path`.
    public func writeKubeconfig(to path: String, token: String?, certificateAuthorityPEM: [UInt8]? = nil) throws(KubeEmulatorError) {
        do {
            try kubeconfig(token: token, certificateAuthorityPEM: certificateAuthorityPEM)
                .write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .io("cannot write the kubeconfig to \(path): \(error)")
        }
    }
}

/// Why the emulator could not start or refused a seeded object.
public enum KubeEmulatorError: Error, Sendable, CustomStringConvertible {
    /// The port could not be bound (in use, or not a loopback address).
    case bindFailed(String)
    /// The TLS certificate or key could not be loaded.
    case tls(String)
    /// A seeded object was rejected like an API request would be (HTTP code and Status message).
    case rejected(code: Int, message: String)
    /// A file could not be written.
    case io(String)

    /// One line saying what went wrong.
    public var description: String {
        switch self {
        case .bindFailed(let message): return "kube-emulator: \(message); pick another port or use 0 for an ephemeral one"
        case .tls(let message): return "kube-emulator TLS: \(message)"
        case .rejected(let code, let message): return "kube-emulator rejected the object (\(code)): \(message)"
        case .io(let message): return "kube-emulator: \(message)"
        }
    }
}
