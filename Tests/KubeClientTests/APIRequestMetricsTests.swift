// client-go's request metrics: verb and resource read from a request, and what one client records against the emulator.
import Foundation
import KubeEmulator
import Prometheus
import Testing

@testable import KubeClient

@Suite("API request metrics")
struct APIRequestMetricsTests {
    @Test(
        "verb and resource come from method and path, namespaces and subresources included",
        arguments: [
            (KubeRequest(method: .get, path: "/api/v1/nodes?limit=500"), "list", "nodes"),
            (KubeRequest(method: .get, path: "/api/v1/nodes?watch=true", isWatch: true), "watch", "nodes"),
            (KubeRequest(method: .get, path: "/api/v1/nodes/worker-1"), "get", "nodes"),
            (KubeRequest(method: .patch, path: "/apis/iks.ibm.com/v1alpha1/nodeoverlayips/worker-1/status"), "patch", "nodeoverlayips/status"),
            (KubeRequest(method: .put, path: "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/op"), "update", "leases"),
            (KubeRequest(method: .post, path: "/apis/events.k8s.io/v1/namespaces/default/events"), "create", "events"),
            (KubeRequest(method: .delete, path: "/api/v1/namespaces/default/configmaps"), "deletecollection", "configmaps"),
            (KubeRequest(method: .delete, path: "/api/v1/namespaces/gone"), "delete", "namespaces"),
            (KubeRequest(method: .get, path: "/version"), "list", "other"),
        ])
    func labels(request: KubeRequest, verb: String, resource: String) {
        let labels = APIRequestLabels(request)
        #expect(labels.verb == verb)
        #expect(labels.resource == resource)
    }

    @Test("a client counts each request by verb, resource and code, and times it")
    func clientRecordsRequests() async throws {
        let emulator = try await KubeEmulator.start(.init(tokens: ["metrics"]))
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let registry = PrometheusCollectorRegistry()
        do {
            let path = try directory.write("config", emulator.kubeconfig(token: "metrics"))
            let client = KubeClient(
                configuration: try KubeConfiguration.load(kubeconfigPath: path, environment: [:]),
                options: .init(rateLimited: false), metricsFactory: PrometheusMetricsFactory(registry: registry))
            _ = try await client.list(Node.self)
            _ = try await client.list(Node.self)
            await #expect(throws: KubeAPIError.self) { try await client.get(Node.self, name: "absent") }
        } catch {
            await emulator.shutdown()
            throw error
        }
        await emulator.shutdown()
        let text = registry.emitToString()
        #expect(text.contains(#"rest_client_requests_total{verb="list",resource="nodes",code="200"} 2"#), "\(text)")
        #expect(text.contains(#"rest_client_requests_total{verb="get",resource="nodes",code="404"} 1"#))
        #expect(text.contains(#"rest_client_request_duration_seconds_count{verb="list",resource="nodes"} 2"#))
    }
}
