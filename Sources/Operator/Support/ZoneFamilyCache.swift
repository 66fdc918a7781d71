// The address families of each zone, asked of the IPAM once per zone and process.
import IPAddressing
import IPAMCore
import Synchronization

/// Remembers ``IPAMBackend/families(inZone:)`` per zone, so a converged node's reconcile asks the IPAM nothing.
///
/// A zone's families change only with the configuration, which the operator reads at start: a zone that
/// became dual-stack is seen by the next process, whose first reconcile in that zone asks once. Failures
/// are not remembered (the next reconcile asks again).
final class ZoneFamilyCache: Sendable {
    private let known = Mutex<[String: [IPAddressFamily]]>([:])

    /// The families of `zone`, from memory or from `ipam`.
    func families(of zone: String, in ipam: any IPAMBackend) async throws -> [IPAddressFamily] {
        if let families = known.withLock({ $0[zone] }) { return families }
        let families = try await ipam.families(inZone: zone)
        known.withLock { $0[zone] = families }
        return families
    }
}
