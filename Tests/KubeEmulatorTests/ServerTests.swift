// The server shell: bearer-token auth, TLS, discovery, injected failures, latency and request counters.
import ChildProcessSupport
import Foundation
import KubeEmulator
import NIOSSL
import Testing
import TestSupport

@Suite("Server shell")
struct ServerTests {
    @Test("requests without the configured bearer token get a 401 Status")
    func authentication() async throws {
        try await withEmulator(.init(tokens: ["sesame"])) { emulator, client in
            #expect(try await client.get("/api/v1/namespaces").status == 200)
            let anonymous = try await TestClient(emulator).get("/api/v1/namespaces")
            #expect(anonymous.status == 401)
            #expect(anonymous.json["reason"] == "Unauthorized")
            #expect(try await TestClient(emulator, token: "wrong").get("/api/v1/namespaces").status == 401)
        }
    }

    @Test("TLS with a given certificate serves the API")
    func tls() async throws {
        let directory = try await TemporaryCertificate.make()
        let emulator = try await KubeEmulator.start(.init(tls: .init(certificateFile: directory.certificate, privateKeyFile: directory.key)))
        defer { try? FileManager.default.removeItem(atPath: directory.path) }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(directory.certificate)
        let client = TestClient(port: emulator.port, tls: try NIOSSLContext(configuration: configuration))
        let response = try await client.get("/version")
        await emulator.shutdown()
        #expect(response.status == 200)
        #expect(response.json["gitVersion"]?.stringValue?.hasPrefix("v1.32") == true)
        #expect(emulator.url.hasPrefix("https://127.0.0.1:"))
    }

    @Test("a generated self-signed certificate serves HTTPS that trusts its own PEM")
    func selfSigned() async throws {
        let tls = try await KubeEmulator.TLS.generateSelfSigned()
        let emulator = try await KubeEmulator.start(.init(tls: tls))
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(tls.certificatePEM))
        let client = TestClient(port: emulator.port, tls: try NIOSSLContext(configuration: configuration))
        let response = try await client.get("/api")
        await emulator.shutdown()
        #expect(response.status == 200)
        #expect(emulator.kubeconfig(token: "t", certificateAuthorityPEM: tls.certificatePEM).contains("certificate-authority-data: "))
    }

    @Test("discovery lists built-in groups and the resources a CRD adds, with short names and status subresources")
    func discovery() async throws {
        try await withEmulator { _, client in
            let groups = try await client.get("/apis").json["groups"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(Set(groups).isSuperset(of: ["example.com", "coordination.k8s.io", "events.k8s.io", "apiextensions.k8s.io"]))
            let resources = try await client.get("/apis/example.com/v1").json["resources"]?.arrayValue ?? []
            let widget = try #require(resources.first { $0["name"] == "widgets" })
            #expect(widget["shortNames"] == ["wd"])
            #expect(widget["namespaced"] == false)
            #expect(widget["kind"] == "Widget")
            #expect(resources.contains { $0["name"] == "widgets/status" })
            let core = try await client.get("/api/v1").json["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(core.contains("nodes/status") && core.contains("configmaps"))
        }
    }

    @Test("deleting a CRD stops serving its resource and drops its objects")
    func crdDeletion() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true"))
            let start = try await events.next()
            #expect(start?.type == "HTTP")
            #expect(try await events.next()?.type == "ADDED")
            #expect(try await client.delete("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 200)
            #expect(try await events.next()?.type == "DELETED")
            #expect(try await events.next() == nil)
            #expect(try await client.get(Fixtures.widgets).status == 404)
            #expect(try await client.get("/apis/example.com/v1").status == 404)
        }
    }

    @Test("injected failures hit only matching requests, the given number of times, with the usual reason")
    func injectedFailures() async throws {
        try await withEmulator { emulator, client in
            emulator.failNextRequests(2, status: 503, pathContaining: "/widgets")
            #expect(try await client.get("/api/v1/nodes").status == 200)
            let failed = try await client.get(Fixtures.widgets)
            #expect(failed.status == 503)
            #expect(failed.json["reason"] == "ServiceUnavailable")
            #expect(try await client.get(Fixtures.widgets).status == 503)
            #expect(try await client.get(Fixtures.widgets).status == 200)
            emulator.injectFailure(InjectedFailure(count: 1, status: 429, method: "POST"))
            let throttled = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            #expect(throttled.status == 429)
            #expect(throttled.header("Retry-After") == "1")
        }
    }

    @Test("request counters count verbs per resource, status subresource apart")
    func counters() async throws {
        try await withEmulator { emulator, client in
            emulator.resetRequestCounts()
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            _ = try await client.mergePatch("\(Fixtures.widgets)/a/status", ["status": ["ipAddr": "10.0.0.1/24"]])
            _ = try await client.get("\(Fixtures.widgets)/a")
            _ = try await client.get(Fixtures.widgets)
            #expect(emulator.requestCount(verb: "create", resource: "widgets.example.com") == 1)
            #expect(emulator.requestCount(verb: "patch", resource: "widgets.example.com/status") == 1)
            #expect(emulator.requestCount(verb: "get", resource: "widgets.example.com") == 1)
            #expect(emulator.requestCount(verb: "list", resource: "widgets.example.com") == 1)
            #expect(emulator.writeCount(resource: "widgets.example.com") == 2)
        }
    }

    @Test("a request with Expect: 100-continue gets 100 Continue before the final answer")
    func expectContinue() async throws {
        try await withEmulator { _, client in
            let response = try await client.request("POST", "/api/v1/namespaces/default/configmaps", body: Fixtures.configMap("c"),
                                                    extraHeaders: [("Expect", "100-continue")])
            #expect(response.informational == [100])
            #expect(response.status == 201)
        }
    }

    @Test("latency delays every request")
    func latency() async throws {
        try await withEmulator { emulator, client in
            emulator.setLatency(.milliseconds(200))
            let clock = ContinuousClock()
            let elapsed = try await clock.measure { _ = try await client.get("/version") }
            #expect(elapsed >= .milliseconds(200))
        }
    }

    @Test("seeding through the API validates like a POST and is visible over HTTP")
    func seeding() async throws {
        try await withEmulator { emulator, client in
            try emulator.create(["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1", "labels": ["zone": "a"]],
                                 "status": ["conditions": [["type": "Ready", "status": "True"]]]])
            let node = try await client.get("/api/v1/nodes/n1").json
            #expect(node["status"]?["conditions"]?.arrayValue?.first?["status"] == "True")
            #expect(throws: KubeEmulatorError.self) { try emulator.create(Fixtures.widget("bad", subnet: "x")) }
            #expect(emulator.objects(apiVersion: "v1", kind: "Node").count == 1)
        }
    }
}

/// A self-signed certificate for 127.0.0.1 made with `openssl` in a fresh temporary directory.
struct TemporaryCertificate {
    var path: String
    var certificate: String { "\(path)/cert.pem" }
    var key: String { "\(path)/key.pem" }

    /// Runs `openssl` and waits for it without blocking a thread.
    static func make() async throws -> TemporaryCertificate {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeemu-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let (status, _) = try await ChildProcess.run(
            "/usr/bin/openssl",
            arguments: ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", "\(path)/key.pem", "-out", "\(path)/cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        guard status == 0 else { throw CertificateError(status: status) }
        return TemporaryCertificate(path: path)
    }

    struct CertificateError: Error { var status: Int32 }
}
