// Tests of YAML features in kubeconfig files read through libyaml: comments, quoting, anchors, merges, data fields.
import FoundationEssentials
import HTTP
import Testing

@testable import KubeClient

@Suite("Kubeconfig YAML syntax")
struct KubeconfigYAMLTests {
    private static let caPEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

    @Test("comments, quoted strings, folded base64 data, anchors and merge keys read as kubectl reads them")
    func yamlFeatures() throws {
        let caData = Data(Self.caPEM.utf8).base64EncodedString()
        let folded = stride(from: 0, to: caData.count, by: 16).map { offset in
            String(caData.dropFirst(offset).prefix(16))
        }.joined(separator: "\n      ")
        let yaml = """
            # written by hand
            apiVersion: v1
            kind: Config
            current-context: "main"   # quoted
            clusters:
            - name: 'c1'
              cluster: &base
                server: https://10.0.0.1:6443
                certificate-authority-data: >-
                  \(folded)
            - name: c2
              cluster:
                <<: *base
                server: "https://10.0.0.2:6443"
                insecure-skip-tls-verify: yes
            contexts:
            - {name: main, context: {cluster: c2, user: u1, namespace: 'ops'}}
            users:
            - name: u1
              user:
                token: |-
                  secret-token
            """
        let configuration = try Kubeconfig.parse(yaml: yaml, path: "/etc/kube/config").resolve(context: nil)
        #expect(configuration.server == "https://10.0.0.2:6443")
        #expect(configuration.tls.insecureSkipVerify)
        #expect(configuration.tls.certificateAuthority == .pem(Array(Self.caPEM.utf8)))
        #expect(configuration.credentials == .token("secret-token"))
        #expect(configuration.namespace == "ops")
        #expect(configuration.source == "kubeconfig /etc/kube/config context main")
    }

    @Test("text that is not YAML names the file")
    func notYAML() {
        do {
            _ = try Kubeconfig.parse(yaml: "clusters: [", path: "/tmp/broken")
            Issue.record("parsed broken YAML")
        } catch {
            #expect(error.message.hasPrefix("kubeconfig /tmp/broken is not valid: "))
        }
    }

    @Test("relative file references are resolved against the kubeconfig's directory")
    func relativePaths() {
        #expect(Kubeconfig.directory(of: "/etc/kube/config") == "/etc/kube")
        #expect(Kubeconfig.directory(of: "config") == "")
        #expect(Kubeconfig.directory(of: "/config") == "/")
        #expect(Kubeconfig.directory(of: "kube//config") == "kube")
    }
}
