// The real kubectl (v1.32) against the emulator over TLS with a bearer token: apply, get, get -w, patch, delete, wait.
import Foundation
import KubeEmulator
import Testing
import TestSupport

@Suite("kubectl against the emulator")
struct KubectlTests {
    /// An emulator on TLS (kubectl sends bearer tokens only over TLS), its kubeconfig, and a runner.
    struct Setup {
        var emulator: KubeEmulator
        var kubectl: KubectlRunner
        var directory: TemporaryCertificate

        static func make() async throws -> Setup {
            let certificate = try await TemporaryCertificate.make()
            let tls = try KubeEmulator.TLS(certificateFile: certificate.certificate, privateKeyFile: certificate.key)
            let emulator = try await KubeEmulator.start(.init(tokens: ["kubectl-token"], tls: tls))
            let kubeconfig = "\(certificate.path)/kubeconfig"
            try emulator.writeKubeconfig(to: kubeconfig, token: "kubectl-token", certificateAuthorityPEM: tls.certificatePEM)
            return Setup(emulator: emulator, kubectl: KubectlRunner(kubeconfigPath: kubeconfig), directory: certificate)
        }

        func tearDown() async {
            await emulator.shutdown()
            try? FileManager.default.removeItem(atPath: directory.path)
        }

        @discardableResult
        func kubectl(_ arguments: String..., stdin: String? = nil) async throws -> KubectlResult {
            try await kubectl.run(arguments, stdin: stdin)
        }
    }

    static let widget = """
        {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w1"}, "spec": {"subnet": "10.0.0.0/24", "size": 3}}
        """

    @Test("apply a CRD and an object, get with printer columns, get -w sees a status patch, wait on it",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func applyGetWatchPatch() async throws {
        let setup = try await Setup.make()
        do {
            let crd = try await setup.kubectl("apply", "-f", "-", stdin: Fixtures.widgetCRD)
            #expect(crd.succeeded, "\(crd.stderr)")
            #expect(crd.stdout.contains("customresourcedefinition.apiextensions.k8s.io/widgets.example.com created"))
            let applied = try await setup.kubectl("apply", "-f", "-", stdin: Self.widget)
            #expect(applied.stdout.contains("widget.example.com/w1 created"), "\(applied.stderr)")

            let table = try await setup.kubectl("get", "widgets")
            let header = table.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(header.split(separator: " ", omittingEmptySubsequences: true) == ["NAME", "SUBNET", "IP", "READY", "AGE"])
            #expect(table.stdout.contains("w1") && table.stdout.contains("10.0.0.0/24"))

            let watch = try await setup.kubectl.start(["get", "wd", "-w"])
            var lines = watch.lines.makeAsyncIterator()
            _ = await lines.next()
            let initialRow = await lines.next()
            #expect(initialRow?.hasPrefix("w1") == true)
            let patched = try await setup.kubectl(
                "patch", "widget", "w1", "--subresource=status", "--type=merge",
                "-p", #"{"status":{"ipAddr":"10.0.0.5/24","conditions":[{"type":"Ready","status":"True"}]}}"#)
            #expect(patched.succeeded, "\(patched.stderr)")
            let changedRow = await lines.next()
            watch.terminate()
            #expect(changedRow?.contains("10.0.0.5/24") == true)
            #expect(changedRow?.contains("True") == true)

            let waited = try await setup.kubectl("wait", "widget/w1", "--for=jsonpath={.status.ipAddr}=10.0.0.5/24", "--timeout=20s")
            #expect(waited.succeeded, "\(waited.stderr)")

            let reapplied = try await setup.kubectl("apply", "-f", "-", stdin: Self.widget.replacingOccurrences(of: "\"size\": 3", with: "\"size\": 4"))
            #expect(reapplied.stdout.contains("widget.example.com/w1 configured"), "\(reapplied.stderr)")
            let generation = try await setup.kubectl("get", "widget", "w1", "-o", "jsonpath={.metadata.generation}/{.spec.size}")
            #expect(generation.stdout == "2/4")
        } catch {
            await setup.tearDown()
            throw error
        }
        await setup.tearDown()
    }

    @Test("delete with a finalizer keeps the object until the finalizer is removed; invalid objects are rejected",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func finalizerAndValidation() async throws {
        let setup = try await Setup.make()
        do {
            try await setup.kubectl("apply", "-f", "-", stdin: Fixtures.widgetCRD)
            let held = Self.widget.replacingOccurrences(of: #""name": "w1"}"#, with: #""name": "w1", "finalizers": ["example.com/hold"]}"#)
            let created = try await setup.kubectl("create", "-f", "-", stdin: held)
            #expect(created.succeeded, "\(created.stderr)")

            let deleted = try await setup.kubectl("delete", "widget", "w1", "--wait=false")
            #expect(deleted.stdout.contains("widget.example.com \"w1\" deleted"), "\(deleted.stderr)")
            let marked = try await setup.kubectl("get", "widget", "w1", "-o", "jsonpath={.metadata.deletionTimestamp}")
            #expect(!marked.stdout.isEmpty)

            let released = try await setup.kubectl("patch", "widget", "w1", "--type=json",
                                                   "-p", #"[{"op":"remove","path":"/metadata/finalizers"}]"#)
            #expect(released.succeeded, "\(released.stderr)")
            let gone = try await setup.kubectl("get", "widget", "w1")
            #expect(gone.exitCode != 0)
            #expect(gone.stderr.contains("NotFound") || gone.stderr.contains("not found"))

            let invalid = try await setup.kubectl("apply", "-f", "-", stdin: """
                {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "bad"}, "spec": {"subnet": "nope"}}
                """)
            #expect(invalid.exitCode != 0)
            #expect(invalid.stderr.contains(#"spec.subnet: Invalid value: "nope": spec.subnet in body should match '^[0-9.]+/[0-9]+$'"#),
                    "\(invalid.stderr)")
        } catch {
            await setup.tearDown()
            throw error
        }
        await setup.tearDown()
    }

    /// The repository root (this file is `Tests/KubeEmulatorTests/KubectlTests.swift`).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func files(in folder: String, prefix: String) -> [String] {
        let directory = repositoryRoot.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasPrefix(prefix) && $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    @Test("the project's CRDs accept every example StaticRoute and reject every one in examples/invalid",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func projectCRDs() async throws {
        let crds = Self.files(in: "deploy/crds", prefix: "")
            .filter { !$0.hasSuffix("kustomization.yaml") }
        let valid = Self.files(in: "examples", prefix: "staticroute-")
        let invalid = Self.files(in: "examples/invalid", prefix: "")
        try #require(!crds.isEmpty && !valid.isEmpty && !invalid.isEmpty)
        let setup = try await Setup.make()
        do {
            for crd in crds {
                let result = try await setup.kubectl.run(["apply", "-f", crd])
                #expect(result.succeeded, "\(crd): \(result.stderr)")
            }
            for example in valid {
                let result = try await setup.kubectl.run(["apply", "-f", example])
                #expect(result.succeeded, "\(example): \(result.stderr)")
            }
            for example in invalid {
                let result = try await setup.kubectl.run(["apply", "-f", example])
                #expect(!result.succeeded, "\(example) was accepted")
                #expect(result.stderr.contains("is invalid"), "\(example): \(result.stderr)")
            }
            let listed = try await setup.kubectl.run(["get", "sr", "-o", "name"])
            #expect(listed.stdout.split(separator: "\n").count == valid.count)
        } catch {
            await setup.tearDown()
            throw error
        }
        await setup.tearDown()
    }

    @Test("kubectl create generators (protobuf bodies) make namespaces, configmaps and secrets",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func createGenerators() async throws {
        let setup = try await Setup.make()
        do {
            #expect(try await setup.kubectl("create", "namespace", "team-a").succeeded)
            let configMap = try await setup.kubectl("create", "configmap", "cfg", "-n", "team-a", "--from-literal=a=1", "--from-literal=b=two")
            #expect(configMap.succeeded, "\(configMap.stderr)")
            #expect(try await setup.kubectl("create", "secret", "generic", "s1", "-n", "team-a", "--from-literal=k=v").succeeded)
            let data = try await setup.kubectl("get", "configmap", "cfg", "-n", "team-a", "-o", "jsonpath={.data.a}/{.data.b}")
            #expect(data.stdout == "1/two")
            let secret = try await setup.kubectl("get", "secret", "s1", "-n", "team-a", "-o", "jsonpath={.data.k}")
            #expect(secret.stdout == "dg==")
        } catch {
            await setup.tearDown()
            throw error
        }
        await setup.tearDown()
    }
}
