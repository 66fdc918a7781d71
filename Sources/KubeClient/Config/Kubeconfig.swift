// Kubeconfig: parsing kubeconfig YAML, merging several files like kubectl, resolving one context.
import FoundationEssentials
import HTTP
import YAML

/// A parsed kubeconfig (one file or several merged), with relative paths already made absolute.
struct Kubeconfig: Sendable {
    struct Cluster: Sendable, Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?

        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }

    struct Context: Sendable, Decodable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    struct User: Sendable, Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var exec: Ignored?
        var authProvider: Ignored?
        var username: String?

        enum CodingKeys: String, CodingKey {
            case token, tokenFile, exec, username
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
            case authProvider = "auth-provider"
        }
    }

    /// A section whose presence matters but whose content does not (exec, auth-provider).
    struct Ignored: Sendable, Decodable {
        init(from decoder: any Decoder) throws {}
    }

    private struct Named<T: Decodable>: Decodable {
        var name: String
        var value: T?

        enum CodingKeys: String, CodingKey {
            case name, cluster, context, user
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            value =
                try container.decodeIfPresent(T.self, forKey: .cluster)
                ?? container.decodeIfPresent(T.self, forKey: .context)
                ?? container.decodeIfPresent(T.self, forKey: .user)
        }
    }

    private struct File: Decodable {
        var clusters: [Named<Cluster>]?
        var contexts: [Named<Context>]?
        var users: [Named<User>]?
        var currentContext: String?

        enum CodingKeys: String, CodingKey {
            case clusters, contexts, users
            case currentContext = "current-context"
        }
    }

    /// An entry and the file that defined it (for relative paths and messages).
    struct Entry<T: Sendable>: Sendable {
        var value: T
        var path: String
    }

    var clusters: [String: Entry<Cluster>] = [:]
    var contexts: [String: Entry<Context>] = [:]
    var users: [String: Entry<User>] = [:]
    var currentContext: String?
    var paths: [String] = []

    /// Parses one kubeconfig file's text; `path` locates relative file references.
    static func parse(yaml: String, path: String) throws(KubeClientError) -> Kubeconfig {
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch let error as DecodingError {
            throw KubeClientError(.configuration, "kubeconfig \(path) is not valid: \(KubeJSON.describe(error))")
        } catch {
            throw KubeClientError(.configuration, "kubeconfig \(path) is not valid YAML: \(error)")
        }
        let directory = Self.directory(of: path)
        func absolute(_ reference: String?) -> String? {
            guard let reference, !reference.isEmpty else { return nil }
            if reference.hasPrefix("/") || directory.isEmpty { return reference }
            return directory + "/" + reference
        }
        var config = Kubeconfig()
        config.paths = [path]
        config.currentContext = file.currentContext.flatMap { $0.isEmpty ? nil : $0 }
        for named in file.clusters ?? [] where config.clusters[named.name] == nil {
            var cluster = named.value ?? Cluster()
            cluster.certificateAuthority = absolute(cluster.certificateAuthority)
            config.clusters[named.name] = Entry(value: cluster, path: path)
        }
        for named in file.contexts ?? [] where config.contexts[named.name] == nil {
            config.contexts[named.name] = Entry(value: named.value ?? Context(), path: path)
        }
        for named in file.users ?? [] where config.users[named.name] == nil {
            var user = named.value ?? User()
            user.tokenFile = absolute(user.tokenFile)
            user.clientCertificate = absolute(user.clientCertificate)
            user.clientKey = absolute(user.clientKey)
            config.users[named.name] = Entry(value: user, path: path)
        }
        return config
    }

    /// The directory part of `path` as `NSString.deletingLastPathComponent` gives it: `""` for a bare
    /// file name, `/` for a file in the root, trailing slashes ignored.
    static func directory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var directory = trimmed[..<slash]
        while directory.count > 1, directory.hasSuffix("/") { directory = directory.dropLast() }
        return String(directory)
    }

    /// Merges files in order as kubectl does: the first definition of a name wins, and the first
    /// non-empty `current-context` wins.
    static func merged(_ files: [Kubeconfig]) -> Kubeconfig {
        var result = Kubeconfig()
        for file in files {
            result.clusters.merge(file.clusters) { first, _ in first }
            result.contexts.merge(file.contexts) { first, _ in first }
            result.users.merge(file.users) { first, _ in first }
            if result.currentContext == nil { result.currentContext = file.currentContext }
            result.paths += file.paths
        }
        return result
    }

    /// The configuration of `context` (or `current-context`).
    func resolve(context override: String?) throws(KubeClientError) -> KubeConfiguration {
        let where_ = paths.joined(separator: ":")
        guard let contextName = override ?? currentContext else {
            throw KubeClientError(
                .configuration,
                "kubeconfig \(where_) has no current-context; run 'kubectl config use-context NAME' or pass a context")
        }
        guard let context = contexts[contextName]?.value else {
            throw KubeClientError(.configuration, "kubeconfig \(where_) has no context named \"\(contextName)\"")
        }
        guard let clusterName = context.cluster, let cluster = clusters[clusterName]?.value else {
            throw KubeClientError(
                .configuration,
                "context \"\(contextName)\" refers to cluster \"\(context.cluster ?? "")\", which kubeconfig \(where_) does not define")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeClientError(.configuration, "cluster \"\(clusterName)\" in kubeconfig \(where_) has no server URL")
        }
        var tls = TLSConfiguration(
            insecureSkipVerify: cluster.insecureSkipTLSVerify ?? false, serverName: cluster.tlsServerName)
        tls.certificateAuthority = try pem(
            data: cluster.certificateAuthorityData, file: cluster.certificateAuthority,
            what: "certificate-authority-data of cluster \"\(clusterName)\"")
        var credentials = KubeCredentials.none
        if let userName = context.user, !userName.isEmpty {
            guard let user = users[userName]?.value else {
                throw KubeClientError(
                    .configuration,
                    "context \"\(contextName)\" refers to user \"\(userName)\", which kubeconfig \(where_) does not define")
            }
            if user.exec != nil {
                throw KubeClientError(
                    .configuration,
                    "kubeconfig user \(userName) uses an exec credential plugin, which this client does not support; "
                        + "use a token or client certificate")
            }
            if user.authProvider != nil {
                throw KubeClientError(
                    .configuration,
                    "kubeconfig user \(userName) uses an auth-provider, which this client does not support; "
                        + "use a token or client certificate")
            }
            if user.username != nil {
                throw KubeClientError(
                    .configuration,
                    "kubeconfig user \(userName) uses basic authentication, which Kubernetes removed; "
                        + "use a token or client certificate")
            }
            if let token = user.token, !token.isEmpty {
                credentials = .token(token)
            } else if let tokenFile = user.tokenFile {
                credentials = .tokenFile(tokenFile)
            }
            tls.clientCertificate = try pem(
                data: user.clientCertificateData, file: user.clientCertificate,
                what: "client-certificate-data of user \"\(userName)\"")
            tls.clientKey = try pem(
                data: user.clientKeyData, file: user.clientKey, what: "client-key-data of user \"\(userName)\"")
            if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
                throw KubeClientError(
                    .configuration,
                    "kubeconfig user \(userName) has a client certificate without a key or a key without a certificate; "
                        + "give both")
            }
        }
        let namespace = context.namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default"
        return KubeConfiguration(
            server: server, tls: tls, credentials: credentials, namespace: namespace,
            source: "kubeconfig \(where_) context \(contextName)")
    }

    /// `*-data` (base64 PEM) wins over the file reference, as in client-go.
    private func pem(data: String?, file: String?, what: String) throws(KubeClientError) -> TLSConfiguration.PEMSource? {
        if let data, !data.isEmpty {
            guard let bytes = Data(base64Encoded: data, options: .ignoreUnknownCharacters) else {
                throw KubeClientError(.configuration, "\(what) is not valid base64")
            }
            return .pem(Array(bytes))
        }
        return file.map { .file($0) }
    }
}
