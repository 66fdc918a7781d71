// Tests of the Prometheus text rendering and the readiness report.
import OpsServer
import Testing

@Suite("Metrics registry")
struct MetricsRegistryTests {
    @Test("counters and gauges render with HELP, TYPE and sorted labels")
    func countersAndGauges() {
        let registry = MetricsRegistry()
        let reconciles = registry.counter("overlay_reconciles_total", help: "Reconciles run.", labels: ["controller": "noip", "result": "ok"])
        reconciles.increment()
        reconciles.increment(by: 2)
        registry.gauge("overlay_leader", help: "1 while this replica leads.").set(1)
        #expect(registry.exposition() == """
            # HELP overlay_reconciles_total Reconciles run.
            # TYPE overlay_reconciles_total counter
            overlay_reconciles_total{controller="noip",result="ok"} 3
            # HELP overlay_leader 1 while this replica leads.
            # TYPE overlay_leader gauge
            overlay_leader 1

            """)
    }

    @Test("histograms count observations into cumulative buckets")
    func histogram() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("ipam_call_seconds", help: "IPAM call latency.", buckets: [0.01, 0.1])
        latency.observe(0.005)
        latency.observe(0.05)
        latency.observe(Duration.seconds(2))
        let text = registry.exposition()
        #expect(text.contains("ipam_call_seconds_bucket{le=\"0.01\"} 1\n"))
        #expect(text.contains("ipam_call_seconds_bucket{le=\"0.1\"} 2\n"))
        #expect(text.contains("ipam_call_seconds_bucket{le=\"+Inf\"} 3\n"))
        #expect(text.contains("ipam_call_seconds_sum 2.055\n"))
        #expect(text.contains("ipam_call_seconds_count 3\n"))
    }

    @Test("label values are escaped")
    func escaping() {
        let registry = MetricsRegistry()
        registry.counter("events_total", help: "Events.", labels: ["reason": "say \"hi\"\n"]).increment()
        #expect(registry.exposition().contains(#"events_total{reason="say \"hi\"\n"} 1"#))
    }

    @Test("readiness holds until every check passes")
    func readiness() {
        let health = HealthState()
        health.set("leader-election", ready: true)
        health.set("ipam", ready: false, message: "phpIPAM unreachable")
        #expect(!health.isReady)
        #expect(health.report() == "[-]ipam failed: phpIPAM unreachable\n[+]leader-election ok")
        health.set("ipam", ready: true)
        #expect(health.isReady)
    }
}
