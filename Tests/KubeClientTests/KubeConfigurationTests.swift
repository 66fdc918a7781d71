// Tests of configuration loading: kubeconfig variants, KUBECONFIG merging, in-cluster environment.
import Foundation
import HTTP
import Testing

@testable import KubeClient

@Suite("Kubeconfig and in-cluster configuration")
struct KubeConfigurationTests {
    private static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    private func kubeconfig(cluster: String, user: String, context: String = "main", namespace: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: \(context)
        clusters:
        - name: c1
          cluster:
        \(cluster)
        contexts:
        - name: main
          context:
            cluster: c1
            user: u1
        \(namespace.map { "    namespace: \($0)" } ?? "")
        users:
        - name: u1
          user:
        \(user)
        """
    }

    private func failure(_ body: () throws(KubeClientError) -> KubeConfiguration) -> KubeClientError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }

    @Test("token user with CA data, tls-server-name and context namespace")
    func tokenAndCAData() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let caData = Data(Self.caPEM.utf8).base64EncodedString()
        let path = try directory.write(
            "config",
            kubeconfig(
                cluster: "    server: https://10.0.0.1:6443/\n    certificate-authority-data: \(caData)\n    tls-server-name: kubernetes",
                user: "    token: secret-token", namespace: "ops"))
        let configuration = try KubeConfiguration.load(kubeconfigPath: path, environment: [:])
        #expect(configuration.server == "https://10.0.0.1:6443")
        #expect(configuration.tls.certificateAuthority == .pem(Array(Self.caPEM.utf8)))
        #expect(configuration.tls.serverName == "kubernetes")
        #expect(!configuration.tls.insecureSkipVerify)
        #expect(configuration.credentials == .token("secret-token"))
        #expect(configuration.namespace == "ops")
        #expect(!configuration.description.contains("secret-token"))
    }

    @Test("relative CA, client certificate and key files resolve against the kubeconfig's directory")
    func relativeFiles() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "sub/config",
            kubeconfig(
                cluster: "    server: https://127.0.0.1:6443\n    certificate-authority: ca.pem\n    insecure-skip-tls-verify: true",
                user: "    client-certificate: certs/client.pem\n    client-key: /abs/client.key"))
        let configuration = try KubeConfiguration.load(kubeconfigPath: path, environment: [:])
        #expect(configuration.tls.certificateAuthority == .file(directory.path + "/sub/ca.pem"))
        #expect(configuration.tls.clientCertificate == .file(directory.path + "/sub/certs/client.pem"))
        #expect(configuration.tls.clientKey == .file("/abs/client.key"))
        #expect(configuration.tls.insecureSkipVerify)
        #expect(configuration.credentials == .none)
        #expect(configuration.namespace == "default")
    }

    @Test("client certificate and key data are base64-decoded; tokenFile becomes a re-read token file")
    func certificateDataAndTokenFile() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let cert = Data("CERT".utf8).base64EncodedString()
        let key = Data("KEY".utf8).base64EncodedString()
        let path = try directory.write(
            "config",
            kubeconfig(
                cluster: "    server: https://127.0.0.1:6443",
                user: "    client-certificate-data: \(cert)\n    client-key-data: \(key)\n    tokenFile: token"))
        let configuration = try KubeConfiguration.load(kubeconfigPath: path, environment: [:])
        #expect(configuration.tls.clientCertificate == .pem(Array("CERT".utf8)))
        #expect(configuration.tls.clientKey == .pem(Array("KEY".utf8)))
        #expect(configuration.credentials == .tokenFile(directory.path + "/token"))
    }

    @Test("an exec credential plugin is refused with a message that says what to use instead")
    func execPluginRefused() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "config",
            kubeconfig(
                cluster: "    server: https://127.0.0.1:6443",
                user: "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: aws\n      args: [eks, get-token]"))
        let error = try #require(failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: path, environment: [:]) })
        #expect(error.code == .configuration)
        #expect(
            error.message
                == "kubeconfig user u1 uses an exec credential plugin, which this client does not support; use a token or client certificate")
    }

    @Test("an auth-provider is refused too")
    func authProviderRefused() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "config",
            kubeconfig(cluster: "    server: https://127.0.0.1:6443", user: "    auth-provider:\n      name: gcp"))
        let error = try #require(failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: path, environment: [:]) })
        #expect(error.message.contains("user u1 uses an auth-provider"))
    }

    @Test("missing current-context, unknown context and certificate without key are clear errors")
    func resolutionErrors() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let noContext = try directory.write("a", "apiVersion: v1\nkind: Config\nclusters: []\n")
        let error = try #require(failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: noContext, environment: [:]) })
        #expect(error.message.contains("has no current-context"))
        let good = try directory.write("b", kubeconfig(cluster: "    server: https://h", user: "    token: t"))
        let unknown = try #require(
            failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: good, context: "other", environment: [:]) })
        #expect(unknown.message.contains("no context named \"other\""))
        let halfCert = try directory.write(
            "c", kubeconfig(cluster: "    server: https://h", user: "    client-certificate: c.pem"))
        let half = try #require(failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: halfCert, environment: [:]) })
        #expect(half.message.contains("client certificate without a key"))
        let missing = try #require(
            failure { () throws(KubeClientError) in try KubeConfiguration.load(kubeconfigPath: directory.path + "/nope", environment: [:]) })
        #expect(missing.message.contains("does not exist"))
    }

    @Test("KUBECONFIG files merge like kubectl: first definition and first current-context win, missing files skipped")
    func kubeconfigListMerging() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let first = try directory.write(
            "first",
            """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: shared
              cluster: {server: "https://first:6443"}
            users:
            - name: admin
              user: {token: first-token}
            """)
        let second = try directory.write(
            "second",
            """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: shared
              cluster: {server: "https://second:6443"}
            contexts:
            - name: prod
              context: {cluster: shared, user: admin, namespace: prod-ns}
            - name: dev
              context: {cluster: shared, user: admin}
            users:
            - name: admin
              user: {token: second-token}
            """)
        let environment = ["KUBECONFIG": "\(directory.path)/missing::\(first):\(second)"]
        let configuration = try KubeConfiguration.load(environment: environment)
        #expect(configuration.server == "https://first:6443")
        #expect(configuration.credentials == .token("first-token"))
        #expect(configuration.namespace == "prod-ns")
        #expect(configuration.source.contains("context prod"))
        let dev = try KubeConfiguration.load(context: "dev", environment: environment)
        #expect(dev.namespace == "default")
    }

    @Test("without KUBECONFIG, ~/.kube/config under HOME is used")
    func homeKubeconfig() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write(".kube/config", kubeconfig(cluster: "    server: https://home:6443", user: "    token: t"))
        let configuration = try KubeConfiguration.detect(kubeconfig: nil, environment: ["HOME": directory.path])
        #expect(configuration.server == "https://home:6443")
    }

    @Test("in-cluster: IPv6 host in brackets, token file, CA file and namespace from the service-account directory")
    func inClusterIPv6() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write("token", "sa-token\n")
        try directory.write("ca.crt", Self.caPEM)
        try directory.write("namespace", "overlay-system\n")
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00::1", "KUBERNETES_SERVICE_PORT": "6443"]
        let configuration = try KubeConfiguration.detect(
            kubeconfig: nil, environment: environment, serviceAccountDirectory: directory.path)
        #expect(configuration.server == "https://[fd00::1]:6443")
        #expect(configuration.credentials == .tokenFile(directory.path + "/token"))
        #expect(configuration.tls.certificateAuthority == .file(directory.path + "/ca.crt"))
        #expect(configuration.namespace == "overlay-system")
        #expect(configuration.source == "in-cluster")
    }

    @Test("in-cluster: port 443 is omitted; missing environment or token are clear errors")
    func inClusterVariants() throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        try directory.write("ca.crt", Self.caPEM)
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let noToken = try #require(
            failure { () throws(KubeClientError) in
                try KubeConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
            })
        #expect(noToken.message.contains("cannot read the service-account token"))
        try directory.write("token", "t")
        let configuration = try KubeConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        #expect(configuration.server == "https://10.96.0.1")
        #expect(configuration.namespace == "default")
        let noHost = try #require(
            failure { () throws(KubeClientError) in
                try KubeConfiguration.inCluster(environment: [:], serviceAccountDirectory: directory.path)
            })
        #expect(noHost.message.contains("KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT"))
    }
}
