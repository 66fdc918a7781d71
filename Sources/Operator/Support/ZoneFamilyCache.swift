// The address families of each zone, asked of the IPAM once per zone and process.
import IPAddressing
import IPAMCore
import Synchronization

/// Remembers ``IPAMBackend/families(inZone:)`` per zone, so a converged node's reconcile asks the IPAM nothing.
///
/// A zone's families change only with the configuration, which the operator reads at start: a zone that
/// became dual-stack is seen by the next process, whose first reconcile in that zone asks once (reconciles
/// that need the same zone meanwhile wait for that answer). Failures are not remembered: the next
/// reconcile asks again.
final class ZoneFamilyCache: Sendable {
    private let lookups = Mutex<[String: Task<[IPAddressFamily], any Error>]>([:])

    /// The families of `zone`, from memory or from `ipam`.
    func families(of zone: String, in ipam: any IPAMBackend) async throws -> [IPAddressFamily] {
        let lookup = lookups.withLock { lookups in
            if let running = lookups[zone] { return running }
            let task = Task { try await ipam.families(inZone: zone) }
            lookups[zone] = task
            return task
        }
        do {
            return try await lookup.value
        } catch {
            lookups.withLock { lookups in
                // Only the failed lookup is forgotten, never a newer one another reconcile started.
                if lookups[zone] == lookup { lookups[zone] = nil }
            }
            throw error
        }
    }
}
