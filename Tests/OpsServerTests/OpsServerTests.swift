// Tests of the operations endpoint over real HTTP on 127.0.0.1.
import HTTP
import Logging
import CoreMetrics
import OpsServer
import Prometheus
import Testing

@Suite("Operations endpoint")
struct OpsServerTests {
    @Test("serves health, readiness and metrics, and says where to look on unknown paths")
    func servesRoutes() async throws {
        let metrics = PrometheusCollectorRegistry()
        Counter(label: "overlay_test_total", factory: PrometheusMetricsFactory(registry: metrics)).increment()
        let health = HealthState()
        health.set("store", ready: false, message: "initial list pending")
        let server = try await OpsServer.bind(host: "127.0.0.1", port: 0, metrics: metrics, health: health, logger: Logger(label: "test"))
        let client = HTTPClient()
        let base = "http://127.0.0.1:\(server.port)"
        do {
            let healthz = try await client.send(HTTPRequest(method: .get, url: "\(base)/healthz"))
            #expect(healthz.status == 200)

            let notReady = try await client.send(HTTPRequest(method: .get, url: "\(base)/readyz"))
            #expect(notReady.status == 503)
            #expect(String(decoding: notReady.body, as: UTF8.self).contains("[-]store failed: initial list pending"))

            health.set("store", ready: true)
            let ready = try await client.send(HTTPRequest(method: .get, url: "\(base)/readyz"))
            #expect(ready.status == 200)

            let scrape = try await client.send(HTTPRequest(method: .get, url: "\(base)/metrics"))
            #expect(scrape.status == 200)
            #expect(scrape.headers.first(name: "content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(String(decoding: scrape.body, as: UTF8.self).contains("overlay_test_total 1\n"))

            let unknown = try await client.send(HTTPRequest(method: .get, url: "\(base)/nope"))
            #expect(unknown.status == 404)

            // service-lifecycle's logs name the server by what it is and where, not by its stored properties.
            #expect("\(server)" == "operations endpoint on port \(server.port)")
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }
}
