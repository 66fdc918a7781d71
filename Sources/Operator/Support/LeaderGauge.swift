// Mirrors leadership into the `leader_election_master_status` gauge.
import KubeRuntime
import CoreMetrics
import ServiceLifecycle

/// Sets the leader gauge to 1 while this process leads (always 1 without leader election).
struct LeaderGauge: Service {
    let leadership: LeaderElector?
    let gauge: Gauge

    func run() async throws {
        guard let leadership else {
            gauge.record(1)
            try? await gracefulShutdown()
            return
        }
        let gauge = gauge
        await cancelWhenGracefulShutdown {
            for await leading in leadership.leadershipChanges() {
                gauge.record(leading ? 1 : 0)
            }
        }
        gauge.record(0)
    }
}

extension LeaderGauge: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    var description: String { "leader gauge" }
}
