// Leader-only loop comparing IPAM allocations with NodeOverlayIps: re-claims lost addresses, releases orphans.
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI
import ServiceLifecycle
import Synchronization

/// What one recovery pass did (or, in dry-run mode, would have done).
public struct RecoveryReport: Sendable, Equatable {
    /// Addresses re-claimed in the IPAM from NodeOverlayIp status.
    public var reclaimed: [String] = []
    /// Orphan allocations released (CIDR form with owner).
    public var released: [String] = []
    /// Orphans still within their grace period.
    public var orphansWaiting = 0
    /// Nodes whose status and IPAM disagree.
    public var mismatches: [String] = []

    /// An empty report.
    public init() {}
}

/// At start and every ``OperatorSettings/recoveryInterval``: re-claims addresses recorded in status but
/// missing from the IPAM (e.g. a lost SQLite file) and releases allocations that have had no
/// NodeOverlayIp for the grace period. Runs only while this process leads. `dryRun` only logs.
public final class RecoveryLoop: Service, Sendable {
    private let context: OperatorContext
    private let leadership: LeaderElector?
    private let planner: Mutex<LeakPlanner>
    private let zones: [String]
    private let addresses: Store<NodeOverlayIp>

    /// Makes the loop; `zones` are the configured zone names (reported as 0 when empty); `addresses` is
    /// the shared NodeOverlayIp cache the address controller reads too (so a release it made is always
    /// visible here as a deleting object).
    public init(context: OperatorContext, leadership: LeaderElector?, zones: [String], addresses: Store<NodeOverlayIp>) {
        self.context = context
        self.leadership = leadership
        self.zones = zones
        self.addresses = addresses
        self.planner = Mutex(LeakPlanner(clusterID: context.settings.clusterID, gracePeriod: context.settings.orphanGracePeriod))
    }

    /// Runs passes until graceful shutdown or cancellation; a failed pass is logged and retried next time.
    public func run() async throws {
        let leadership = leadership
        let leading: Bool? = try? await cancelWhenGracefulShutdown {
            await leadership?.waitUntilLeader()
            try Task.checkCancellation()
            return true
        }
        guard leading == true else { return }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await runOnce()
            } catch {
                context.logger.warning("recovery pass failed; retrying at the next interval", metadata: ["error": "\(error)"])
            }
            let interval = context.settings.recoveryInterval
            let clock = context.policyClock
            guard (try? await cancelWhenGracefulShutdown { try await clock.sleep(for: interval) }) != nil else { return }
        }
    }

    /// One pass: read both sides (one IPAM listing, the NodeOverlayIp cache), plan, act (unless
    /// dry-run), report. Waits for the cache's first list.
    @discardableResult
    public func runOnce() async throws -> RecoveryReport {
        await addresses.waitUntilReady()
        try Task.checkCancellation()
        // The IPAM first: an allocation made after this listing cannot look like an orphan.
        let allocations = try await context.ipam.allocations()
        let objects = addresses.objects
        let recorded = objects.map { object in
            LeakPlanner.RecordedAddress(
                nodeName: object.metadata.name,
                // A deleting object may already be released: never re-claim its addresses.
                addresses: object.metadata.isBeingDeleted
                    ? [] : AddressStatusPlanner.recordedCIDRs(in: object.status).compactMap(AddressStatusPlanner.address(fromCIDR:)))
        }
        let now = context.policyClock.now
        let plan = planner.withLock { $0.plan(allocations: allocations, objects: recorded, now: now) }
        var report = RecoveryReport()
        // What the IPAM holds after this pass, for the per-zone gauge (no second listing).
        var held = allocations
        report.orphansWaiting = plan.orphansWaiting
        let dryRun = context.settings.dryRun
        let byName = Dictionary(objects.map { ($0.metadata.name, $0) }, uniquingKeysWith: { first, _ in first })
        for step in plan.steps {
            switch step {
            case .reclaim(let owner, let address):
                context.logger.notice(
                    dryRun ? "dry run: would re-claim address missing from the IPAM" : "re-claiming address missing from the IPAM",
                    metadata: ["node": "\(owner.nodeName)", "address": "\(address)"])
                report.reclaimed.append("\(owner.nodeName)=\(address)")
                guard !dryRun else { continue }
                do {
                    held.append(try await RecordedAddressRecovery.restore(
                        address, of: owner.nodeName, regarding: byName[owner.nodeName], context: context))
                } catch {
                    context.logger.warning("re-claim failed", metadata: ["node": "\(owner.nodeName)", "error": "\(error)"])
                }
            case .release(let owner, let allocations):
                let cidrs = allocations.map(\.cidr).joined(separator: " and ")
                context.logger.notice(
                    dryRun ? "dry run: would release orphan allocation" : "releasing orphan allocation",
                    metadata: ["owner": "\(owner)", "address": "\(cidrs)"])
                report.released.append("\(owner.nodeName)=\(cidrs)")
                guard !dryRun else { continue }
                do {
                    try await context.ipam.release(owner)
                    held.removeAll { $0.owner == owner }
                    planner.withLock { $0.released(owner) }
                    context.metrics.orphansReleased.increment()
                    await context.events.publish(
                        .normal, reason: "OrphanReleased", action: "ReleaseAddress",
                        note: "released \(cidrs) of \(owner): no NodeOverlayIp for longer than the grace period",
                        regarding: ObjectReference(
                            apiVersion: NodeOverlayIp.resource.apiVersion, kind: NodeOverlayIp.resource.kind,
                            name: owner.nodeName, namespace: context.settings.eventNamespace))
                } catch {
                    context.logger.warning("orphan release failed", metadata: ["owner": "\(owner)", "error": "\(error)"])
                }
            case .mismatch(let owner, let recordedAddress, let held):
                report.mismatches.append(owner.nodeName)
                context.logger.warning(
                    "status and IPAM disagree", metadata: ["node": "\(owner.nodeName)", "status": "\(recordedAddress)", "ipam": "\(held)"])
            }
        }
        context.metrics.orphansWaiting.record(plan.orphansWaiting)
        var perZone = Dictionary(zones.map { ($0, 0) }, uniquingKeysWith: { first, _ in first })
        for allocation in held where allocation.owner.clusterID == context.settings.clusterID {
            // Counted under the zone the node's status records (its own zone in a subnet several zones
            // share), as the address controller counts it.
            let status = byName[allocation.owner.nodeName]?.status
            let recordedAddresses = status.map { AddressStatusPlanner.recordedCIDRs(in: $0).compactMap(AddressStatusPlanner.address(fromCIDR:)) }
            let recordedZone = recordedAddresses?.contains(allocation.address) == true ? status?.zone : nil
            perZone[recordedZone.flatMap { $0.isEmpty ? nil : $0 } ?? allocation.zone, default: 0] += 1
        }
        context.metrics.allocations(perZone: perZone)
        // A metered backend turns the answer into the per-subnet `overlay_ipam_addresses` gauges.
        _ = try? await context.ipam.usage()
        return report
    }
}

extension RecoveryLoop: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "recovery loop" }
}
