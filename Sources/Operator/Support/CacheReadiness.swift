// Flips the `caches` readiness check once every shared informer has delivered its first full list.
import OpsServer
import ServiceLifecycle

/// Reports `/readyz` ready once every informer is synced (one wait per resource); then idles until shutdown.
struct CacheReadiness: Service {
    let health: HealthState
    let waits: [@Sendable () async -> Void]

    /// Registers the `caches` check as not ready at once, so `/readyz` never answers ready before the
    /// caches are filled (not even before this service starts).
    init(health: HealthState, waits: [@Sendable () async -> Void]) {
        self.health = health
        self.waits = waits
        health.set("caches", ready: false, message: "watch caches are filling")
    }

    func run() async throws {
        health.set("caches", ready: false, message: "watch caches are filling")
        let waits = waits
        let synced: Bool? = try? await cancelWhenGracefulShutdown {
            for wait in waits { await wait() }
            try Task.checkCancellation()
            return true
        }
        guard synced == true else { return }
        health.set("caches", ready: true)
        try? await gracefulShutdown()
    }
}

extension CacheReadiness: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    var description: String { "cache readiness" }
}
