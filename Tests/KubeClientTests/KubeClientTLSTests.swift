// Tests of the TLS path from a kubeconfig: CA data and client certificate data against a TLS test server.
import Foundation
import HTTP
import Testing
import TestSupport

@testable import KubeClient

@Suite("KubeClient over TLS from a kubeconfig")
struct KubeClientTLSTests {
    private func kubeconfig(server: String, ca: [UInt8], certificates: TLSTestCertificates) throws -> String {
        """
        apiVersion: v1
        kind: Config
        current-context: tls
        clusters:
        - name: tls
          cluster:
            server: \(server)
            certificate-authority-data: \(Data(ca).base64EncodedString())
        contexts:
        - name: tls
          context: {cluster: tls, user: cert-user}
        users:
        - name: cert-user
          user:
            client-certificate-data: \(Data(try certificates.clientCertificatePEM()).base64EncodedString())
            client-key-data: \(Data(try certificates.clientKeyPEM()).base64EncodedString())
        """
    }

    @Test("a server requiring client certificates accepts the kubeconfig's CA and client certificate data")
    func clientCertificate() async throws {
        let certificates = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(certificates, requireClientCertificate: true)) { _, responder in
            try await responder.respond(
                status: 200, headers: [.init("Content-Type", "application/json")], body: #"{"metadata":{"name":"n1"}}"#)
        }
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let path = try directory.write(
            "config", try kubeconfig(server: server.baseURL, ca: try certificates.caCertificatePEM(), certificates: certificates))
        let configuration = try KubeConfiguration.load(kubeconfigPath: path, environment: [:])
        // The client is released before the server stops: a TLS test server waits ~5 s for an idle
        // keep-alive connection to close otherwise.
        let result = await Result(catching: {
            try await KubeClient(configuration: configuration, options: .init(rateLimited: false)).get(Node.self, name: "n1")
        })
        try await server.shutdown()
        #expect(try result.get().metadata.name == "n1")
    }

    @Test("a server certificate from another CA fails as a transport error carrying the TLS cause")
    func wrongCertificateAuthority() async throws {
        let certificates = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(certificates)) { _, responder in
            try await responder.respond(status: 200, body: "{}")
        }
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let otherCA = try Array(Data(contentsOf: URL(fileURLWithPath: certificates.otherCACertificatePath)))
        let path = try directory.write(
            "config", try kubeconfig(server: server.baseURL, ca: otherCA, certificates: certificates))
        let configuration = try KubeConfiguration.load(kubeconfigPath: path, environment: [:])
        let result = await Result(catching: {
            try await KubeClient(configuration: configuration, options: .init(rateLimited: false)).get(Node.self, name: "n1")
        })
        try await server.shutdown()
        guard case .failure(let error as KubeClientError) = result else {
            Issue.record("expected a KubeClientError, got \(result)")
            return
        }
        #expect(error.code == .transport)
        guard case .tls = error.underlying as? HTTPError else {
            Issue.record("expected an HTTPError.tls cause, got \(String(describing: error.underlying))")
            return
        }
    }
}

extension Result where Failure == any Error {
    /// Captures the outcome of an async throwing operation.
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
