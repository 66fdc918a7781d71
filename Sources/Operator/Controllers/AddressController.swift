// NodeOverlayIp → IPAM: reserve (or keep) the node's address, write status, release on deletion.
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI
import Synchronization

/// Reconciles one NodeOverlayIp against the IPAM (leader only).
///
/// - Live object: an address recorded with `Reserved=True` needs no IPAM request; an address recorded
///   without it is confirmed (or re-claimed) in the IPAM; a node without one gets one reserved in its
///   zone. The operator's status keys are written only when they changed.
///   Reserve is idempotent per owner, so a crash between reserve and status write ends with the same IP.
/// - Node gone: delete the object (no garbage collector needed); the release follows via the finalizer.
/// - Deleting: release once ``AddressReleasePolicy`` has proof that the node no longer holds the address
///   (else keep it reserved and say so), then remove our finalizer (and the original controller's).
final class AddressController: Sendable {
    let context: OperatorContext
    let nodes: Store<Node>
    /// Per deleting object: when this process first saw it (policy clock) and which Events it published.
    private let deletionSeen = Mutex<[String: DeletionProgress]>([:])
    /// The last status written per object and the resourceVersion it was written over: while the cache
    /// still shows that version (its watch event has not arrived), compare against what was written,
    /// so a quick second reconcile does not write the same status again.
    private let lastWrite = Mutex<[String: (base: String?, status: NodeOverlayIpStatus)]>([:])

    init(context: OperatorContext, nodes: Store<Node>) {
        self.context = context
        self.nodes = nodes
    }

    /// Whether a NodeOverlayIp change can matter to this controller: anything but the agent's route
    /// reports (which only the route controller reads).
    static func isRelevant(_ change: ObjectChange<NodeOverlayIp>) -> Bool {
        guard case .modified(var old, var new) = change else { return true }
        old.status.routes = nil
        new.status.routes = nil
        old.metadata.resourceVersion = nil
        new.metadata.resourceVersion = nil
        return old != new
    }

    func reconcile(_ object: NodeOverlayIp) async throws -> Action {
        if object.metadata.isBeingDeleted { return try await cleanup(object) }
        let name = object.metadata.name
        if nodes.get(name: name) == nil, try await nodeIsGone(name) {
            context.logger.info("node is gone; deleting its NodeOverlayIp", metadata: ["node": "\(name)"])
            do {
                try await context.client.delete(NodeOverlayIp.self, name: name)
            } catch let error as KubeAPIError where error.isNotFound {}
            return .awaitChange
        }
        if let adoption = FinalizerEdit.adopt(object.metadata.finalizers, ours: Overlay.addressFinalizer, legacy: Overlay.legacyFinalizer) {
            _ = try await context.client.patch(NodeOverlayIp.self, name: name, patch: .json(adoption))
            return .awaitChange
        }
        return try await ensureAddress(object)
    }

    /// Asks the API server, not the cache, before deleting: the cache may not have seen a new node yet.
    private func nodeIsGone(_ name: String) async throws -> Bool {
        do {
            _ = try await context.client.get(Node.self, name: name)
            return false
        } catch let error as KubeAPIError where error.isNotFound {
            return true
        }
    }

    // MARK: - Live object

    private func ensureAddress(_ object: NodeOverlayIp) async throws -> Action {
        let name = object.metadata.name
        let generation = object.metadata.generation
        var allocation: IPAllocation
        do {
            allocation = try await holdAddress(for: object)
        } catch {
            let failure = (error as? ReservationFailure) ?? ReservationFailure(ipamError: error)
            let current = knownStatus(of: object)
            let desired = AddressStatusPlanner.failed(failure, current: current, generation: generation, now: context.now)
            if AddressStatusPlanner.needsWrite(current: current, desired: desired) {
                try await writeStatus(desired, of: object)
                await context.events.publish(
                    .warning, reason: failure.reason, action: "ReserveAddress", note: failure.message, regarding: object)
            }
            context.logger.warning("no address for node", metadata: ["node": "\(name)", "reason": "\(failure.reason)", "error": "\(failure.message)"])
            throw failure
        }
        try await context.crashHook(.afterReserve, name)
        allocation.zone = try await recordedZone(of: allocation, nodeZone: nodeZone(of: object))
        let current = knownStatus(of: object)
        let desired = AddressStatusPlanner.reserved(allocation, current: current, generation: generation, now: context.now)
        if AddressStatusPlanner.needsWrite(current: current, desired: desired) {
            try await writeStatus(desired, of: object)
            if current.ipAddr == nil {
                context.metrics.allocationChanged(zone: allocation.zone, by: 1)
            }
            if current.ipAddr != desired.ipAddr {
                context.logger.info("address recorded", metadata: ["node": "\(name)", "ipAddr": "\(allocation.cidr)"])
            }
        }
        try await context.crashHook(.afterStatusWrite, name)
        return .awaitChange
    }

    /// The allocation the node holds: the one status records with `Reserved=True` (no IPAM request:
    /// the recovery loop finds addresses the IPAM lost, in bulk), else the recorded one confirmed or
    /// re-claimed in the IPAM, else a new one.
    private func holdAddress(for object: NodeOverlayIp) async throws -> IPAllocation {
        let name = object.metadata.name
        let owner = context.owner(of: name)
        if let converged = AddressStatusPlanner.recordedAllocation(in: object.status, owner: owner) {
            return converged
        }
        if let recorded = object.status.ipAddr, !recorded.isEmpty {
            guard let address = AddressStatusPlanner.address(fromCIDR: recorded) else {
                throw ReservationFailure.unreadableAddress(recorded)
            }
            if let held = try await context.ipam.allocation(for: owner, family: address.family) {
                if held.address != address {
                    context.logger.warning(
                        "IPAM holds another address for the node than its status records; using the IPAM's",
                        metadata: ["node": "\(name)", "recorded": "\(recorded)", "held": "\(held.cidr)"])
                }
                return held
            }
            return try await RecordedAddressRecovery.restore(address, of: name, regarding: object, context: context)
        }
        guard let zone = nodeZone(of: object) else { throw ReservationFailure.missingZone(node: name) }
        guard let primary = try await context.ipam.reserve(owner, zone: zone).first else {
            throw IPAMError.unknownZone(zone, known: [])
        }
        return primary
    }

    /// The node's zone: its Node's topology label, else the object's zone label; nil when neither says one.
    private func nodeZone(of object: NodeOverlayIp) -> String? {
        let zone = nodes.get(name: object.metadata.name).flatMap { NodeTopology(labels: $0.metadata.labels).zone }
            ?? object.metadata.labels[Overlay.Label.zone]
        return zone?.isEmpty == false ? zone : nil
    }

    /// The zone `status.zone` records (see ``AddressStatusPlanner/statusZone(of:nodeZone:subnetZones:)``);
    /// asks the IPAM which zones list the subnet only when the node's zone is not the allocation's.
    private func recordedZone(of allocation: IPAllocation, nodeZone: String?) async throws -> String {
        guard let nodeZone, nodeZone != allocation.zone else { return allocation.zone }
        let subnetZones = try await context.ipam.zones(listing: allocation.subnet)
        return AddressStatusPlanner.statusZone(of: allocation, nodeZone: nodeZone, subnetZones: subnetZones)
    }

    /// The object's status, or what this controller last wrote over exactly this version of it.
    private func knownStatus(of object: NodeOverlayIp) -> NodeOverlayIpStatus {
        let name = object.metadata.name
        guard let written = lastWrite.withLock({ $0[name] }), written.base == object.metadata.resourceVersion else {
            return object.status
        }
        return written.status
    }

    private func writeStatus(_ status: NodeOverlayIpStatus, of object: NodeOverlayIp) async throws {
        let name = object.metadata.name
        do {
            _ = try await context.client.patchStatus(NodeOverlayIp.self, name: name, patch: .merge(try status.operatorPatch()))
            lastWrite.withLock { $0[name] = (object.metadata.resourceVersion, status) }
        } catch let error as KubeAPIError where error.isNotFound {}
    }

    // MARK: - Deletion

    private func cleanup(_ object: NodeOverlayIp) async throws -> Action {
        let name = object.metadata.name
        let ours: Set<String> = [Overlay.addressFinalizer, Overlay.legacyFinalizer]
        guard let removal = FinalizerEdit.remove(ours, from: object.metadata.finalizers) else {
            forgetDeletion(of: name)
            return .awaitChange
        }
        let now = context.policyClock.now
        let firstSeen = deletionSeen.withLock { seen in
            if let since = seen[name] { return since.firstSeen }
            seen[name] = DeletionProgress(firstSeen: now)
            return now
        }
        let observation = AddressReleasePolicy.Observation(
            nodeName: name, nodeExists: nodes.get(name: name) != nil, publishedAddress: object.status.ipAddr,
            agentReported: object.status.interfaceLabel != nil || object.status.interface != nil,
            configuredAddress: object.status.configuredAddress)
        switch context.settings.releasePolicy.decide(observation, waited: now - firstSeen) {
        case .hold(let hold):
            try await reportHold(hold, of: object)
            return .requeue(after: min(hold.recheckAfter, context.settings.releasePollInterval))
        case .release(let reason):
            try await context.ipam.release(context.owner(of: name))
            context.logger.info(
                "released address", metadata: ["node": "\(name)", "ipAddr": "\(object.status.ipAddr ?? "none")", "because": "\(reason)"])
            if let zone = object.status.zone, object.status.ipAddr != nil {
                context.metrics.allocationChanged(zone: zone, by: -1)
            }
            try await context.crashHook(.afterRelease, name)
            do {
                _ = try await context.client.patch(NodeOverlayIp.self, name: name, patch: .json(removal))
            } catch let error as KubeAPIError where error.isNotFound {}
            forgetDeletion(of: name)
            return .awaitChange
        }
    }

    /// Says that the deletion keeps the address reserved: the `Reserved` condition's reason and message, an
    /// Event when the hold starts and a Warning once it counts as blocked (each once per deletion).
    private func reportHold(_ hold: AddressHold, of object: NodeOverlayIp) async throws {
        let name = object.metadata.name
        let current = knownStatus(of: object)
        var desired = current
        var conditions = current.conditions ?? []
        let previous = conditions.condition(ofType: Overlay.ConditionType.reserved)
        if previous?.reason != hold.reason {
            conditions.setCondition(Condition(
                type: Overlay.ConditionType.reserved, status: .true, reason: hold.reason, message: hold.message,
                observedGeneration: object.metadata.generation, lastTransitionTime: context.now))
            desired.conditions = conditions
            try await writeStatus(desired, of: object)
        }
        let announce = deletionSeen.withLock { seen -> (start: Bool, blocked: Bool) in
            guard var progress = seen[name] else { return (false, false) }
            let start = !progress.announcedHold
            let blocked = hold.isBlocked && !progress.announcedBlocked
            progress.announcedHold = true
            progress.announcedBlocked = progress.announcedBlocked || hold.isBlocked
            seen[name] = progress
            return (start, blocked)
        }
        if announce.start {
            context.logger.info("keeping the address of a deleted NodeOverlayIp reserved", metadata: ["node": "\(name)", "why": "\(hold.message)"])
            await context.events.publish(.normal, reason: "ReleaseWaitingForAgent", action: "HoldAddress", note: hold.message, regarding: object)
        }
        if announce.blocked {
            context.logger.warning("release of a deleted NodeOverlayIp's address is blocked", metadata: ["node": "\(name)", "why": "\(hold.message)"])
            await context.events.publish(.warning, reason: "ReleaseBlocked", action: "HoldAddress", note: hold.message, regarding: object)
        }
    }

    private func forgetDeletion(of name: String) {
        _ = deletionSeen.withLock { $0.removeValue(forKey: name) }
        _ = lastWrite.withLock { $0.removeValue(forKey: name) }
    }
}

/// How far the deletion of one NodeOverlayIp has come, as this process saw it.
private struct DeletionProgress: Sendable {
    var firstSeen: Duration
    var announcedHold = false
    var announcedBlocked = false
}
