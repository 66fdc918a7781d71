// Applies every deployment manifest under deploy/ with kubectl (kustomize overlays included).
import Foundation
import Testing
import TestSupport

@Suite("Deployment manifests")
struct DeployManifestTests {
    @Test(
        "each kustomize overlay applies cleanly, twice, and creates the operator, agent, RBAC and admission policy",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")),
        arguments: ["deploy/overlays/local", "deploy/overlays/phpipam", "deploy/overlays/netbox"])
    func overlayApplies(overlay: String) async throws {
        let path = KubectlTests.repositoryRoot.appendingPathComponent(overlay).path
        let setup = try await KubectlTests.Setup.make()
        do {
            let first = try await setup.kubectl.run(["apply", "--validate=strict", "-k", path])
            #expect(first.succeeded, "\(overlay): \(first.stderr)")
            // A second apply is a no-op update of every object (client-side apply patches).
            let second = try await setup.kubectl.run(["apply", "--validate=strict", "-k", path])
            #expect(second.succeeded, "\(overlay) re-apply: \(second.stderr)")
            for object in [
                "deployment/overlay-ip-controller", "daemonset/overlay-network-agent", "configmap/overlay-ip-controller-config",
                "serviceaccount/overlay-ip-controller", "serviceaccount/overlay-network-agent",
            ] {
                let got = try await setup.kubectl.run(["-n", "overlay-system", "get", object, "-o", "name"])
                #expect(got.succeeded, "\(object): \(got.stderr)")
            }
            for object in [
                "clusterrole/overlay-ip-controller", "clusterrole/overlay-network-agent",
                "validatingadmissionpolicy/overlay-network-agent-own-node", "crd/nodeoverlayips.iks.ibm.com",
                "crd/staticroutes.iks.ibm.com",
            ] {
                let got = try await setup.kubectl.run(["get", object, "-o", "name"])
                #expect(got.succeeded, "\(object): \(got.stderr)")
            }
        } catch {
            await setup.tearDown()
            throw error
        }
        await setup.tearDown()
    }

    @Test("the RBAC grants no wildcard verbs or resources")
    func noWildcards() throws {
        for file in ["deploy/rbac/operator.yaml", "deploy/rbac/agent.yaml"] {
            let text = try String(contentsOf: KubectlTests.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("\"*\"") && !text.contains("'*'") && !text.contains("[*]"), "\(file) has a wildcard")
        }
    }
}
