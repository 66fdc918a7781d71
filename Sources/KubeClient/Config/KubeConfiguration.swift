// KubeConfiguration: where the API server is, how to trust it and how to authenticate.
import FoundationEssentials
import FoundationExtras
import HTTP

/// How the client authenticates with a bearer token (client certificates live in `tls`).
public enum KubeCredentials: Sendable, Hashable, CustomStringConvertible {
    /// No bearer token (client certificate only, or anonymous).
    case none
    /// A fixed bearer token.
    case token(String)
    /// A bearer token file, re-read at least once a minute and after a 401 (service-account tokens rotate).
    case tokenFile(String)

    /// The kind of credential, never the token itself.
    public var description: String {
        switch self {
        case .none: "no token"
        case .token: "token (redacted)"
        case .tokenFile(let path): "token file \(path)"
        }
    }
}

/// Everything needed to talk to one API server.
public struct KubeConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// The server's base URL, e.g. `https://10.0.0.1:6443`, without a trailing slash.
    public var server: String
    /// How the server is verified and, with a client certificate, how the client authenticates.
    public var tls: TLSConfiguration
    /// The bearer token source.
    public var credentials: KubeCredentials
    /// The default namespace (context namespace, service-account namespace, else `default`).
    public var namespace: String
    /// Where this configuration came from, for logs (`kubeconfig /path context ctx`, `in-cluster`).
    public var source: String

    /// A configuration from explicit values.
    public init(
        server: String, tls: TLSConfiguration = TLSConfiguration(), credentials: KubeCredentials = .none,
        namespace: String = "default", source: String = "explicit"
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.source = source
    }

    /// Server, source and credential kind; never secrets.
    public var description: String {
        "\(server) (\(source), \(credentials), namespace \(namespace))"
    }

    /// The default service-account directory of a pod.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// Picks a configuration the way controller-runtime does: an explicit kubeconfig path, else
    /// `$KUBECONFIG`, else in-cluster (when `KUBERNETES_SERVICE_HOST` is set), else `~/.kube/config`.
    ///
    /// - Throws: `KubeClientError` with code `.configuration` saying what is missing and what to do.
    public static func detect(
        kubeconfig: String?, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeClientError) -> KubeConfiguration {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try load(kubeconfigPath: kubeconfig, context: context, environment: environment)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return try load(kubeconfigPath: nil, context: context, environment: environment)
        }
        if let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        return try load(kubeconfigPath: nil, context: context, environment: environment)
    }

    /// Loads a kubeconfig: `kubeconfigPath` if given, else the `$KUBECONFIG` list (colon-separated,
    /// merged as kubectl does: the first file to define a name or `current-context` wins, missing files
    /// are skipped), else `~/.kube/config`.
    ///
    /// - Parameter context: the context to use instead of `current-context`.
    /// - Throws: `KubeClientError` with code `.configuration`.
    public static func load(
        kubeconfigPath: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeClientError) -> KubeConfiguration {
        let paths: [String]
        if let kubeconfigPath {
            guard FileManager.default.fileExists(atPath: kubeconfigPath) else {
                throw KubeClientError(.configuration, "kubeconfig \(kubeconfigPath) does not exist; check the path")
            }
            paths = [kubeconfigPath]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            paths = list.split(separator: ":").map(String.init).filter {
                !$0.isEmpty && FileManager.default.fileExists(atPath: $0)
            }
            guard !paths.isEmpty else {
                throw KubeClientError(
                    .configuration, "none of the files in KUBECONFIG=\(list) exists; fix KUBECONFIG or unset it")
            }
        } else {
            let home = environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
            let path = home + "/.kube/config"
            guard FileManager.default.fileExists(atPath: path) else {
                throw KubeClientError(
                    .configuration,
                    "no kubeconfig: \(path) does not exist, KUBECONFIG is unset and this is not a pod; "
                        + "pass --kubeconfig or set KUBECONFIG")
            }
            paths = [path]
        }
        var files: [Kubeconfig] = []
        for path in paths {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw KubeClientError(.configuration, "cannot read kubeconfig \(path): \(fileErrorDescription(error))")
            }
            files.append(try Kubeconfig.parse(yaml: text, path: path))
        }
        return try Kubeconfig.merged(files).resolve(context: context)
    }

    /// The in-cluster configuration of a pod: `KUBERNETES_SERVICE_HOST`/`_PORT` and the mounted
    /// service-account `token` (re-read as it rotates), `ca.crt` and `namespace`.
    ///
    /// - Parameter serviceAccountDirectory: injectable for tests.
    /// - Throws: `KubeClientError` with code `.configuration` when the environment or files are missing.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = defaultServiceAccountDirectory
    ) throws(KubeClientError) -> KubeConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeClientError(
                .configuration,
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set; "
                    + "outside a pod pass a kubeconfig")
        }
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let server = port == "443" ? "https://\(hostPart)" : "https://\(hostPart):\(port)"
        let directory = serviceAccountDirectory.hasSuffix("/") ? String(serviceAccountDirectory.dropLast()) : serviceAccountDirectory
        let tokenPath = directory + "/token"
        let token = (try? String(contentsOfFile: tokenPath, encoding: .utf8))?.trimmingWhitespaceAndNewlines()
        guard let token, !token.isEmpty else {
            throw KubeClientError(
                .configuration,
                "cannot read the service-account token \(tokenPath); set automountServiceAccountToken: true on the pod")
        }
        let caPath = directory + "/ca.crt"
        guard FileManager.default.fileExists(atPath: caPath) else {
            throw KubeClientError(.configuration, "the service-account CA \(caPath) is missing; the pod's token mount is incomplete")
        }
        let namespace =
            (try? String(contentsOfFile: directory + "/namespace", encoding: .utf8))?
            .trimmingWhitespaceAndNewlines()
        return KubeConfiguration(
            server: server, tls: TLSConfiguration(certificateAuthority: .file(caPath)),
            credentials: .tokenFile(tokenPath), namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            source: "in-cluster")
    }
}
