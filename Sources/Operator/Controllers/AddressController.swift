// NodeOverlayIp → IPAM: reserve (or keep) the node's addresses, write status, release on deletion.
import IPAddressing
import IPAMCore
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI
import Synchronization

/// Reconciles one NodeOverlayIp against the IPAM (leader only).
///
/// - Live object: a node holds one address per address family of its zone (two in a dual-stack zone). Addresses
///   recorded with `Reserved=True`, one of each of the zone's families, need no IPAM request; recorded addresses
///   without it are confirmed (or re-claimed) in the IPAM; each missing family is reserved in the node's zone
///   (so a zone that became dual-stack gives its nodes their second address and keeps the first). The
///   operator's status keys are written only when they changed. Reserve is idempotent per (owner, family),
///   so a crash between two reservations or before the status write ends with the same addresses.
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
    /// Each zone's address families, asked of the IPAM once per zone.
    private let familyCache = ZoneFamilyCache()

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
        var allocations: [IPAllocation]
        do {
            allocations = try await holdAddresses(for: object)
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
        let zone = try await recordedZone(of: allocations[0], nodeZone: nodeZone(of: object))
        for index in allocations.indices { allocations[index].zone = zone }
        let current = knownStatus(of: object)
        let desired = AddressStatusPlanner.reserved(allocations, current: current, generation: generation, now: context.now)
        if AddressStatusPlanner.needsWrite(current: current, desired: desired) {
            try await writeStatus(desired, of: object)
            let added = allocations.count - AddressStatusPlanner.recordedCIDRs(in: current).count
            if added > 0 {
                context.metrics.allocationChanged(zone: zone, by: added)
            }
            if current.ipAddrs != desired.ipAddrs {
                context.logger.info("addresses recorded", metadata: ["node": "\(name)", "ipAddrs": "\(desired.ipAddrs ?? [])"])
            }
        }
        try await context.crashHook(.afterStatusWrite, name)
        return .awaitChange
    }

    /// The allocations the node holds, primary family first: those status records with `Reserved=True`, one
    /// per family of the zone (no IPAM request: the recovery loop finds addresses the IPAM lost, in bulk); else
    /// the recorded ones confirmed or re-claimed in the IPAM (one listing), plus one newly reserved address
    /// for each family of the zone still missing; a node with nothing recorded gets its zone's whole set
    /// (``IPAMBackend/reserve(_:zone:)``, idempotent per family).
    private func holdAddresses(for object: NodeOverlayIp) async throws -> [IPAllocation] {
        let name = object.metadata.name
        let owner = context.owner(of: name)
        var recorded: [IPAddress] = []
        for cidr in AddressStatusPlanner.recordedCIDRs(in: object.status) {
            guard let address = AddressStatusPlanner.address(fromCIDR: cidr) else { throw ReservationFailure.unreadableAddress(cidr) }
            recorded.append(address)
        }
        // The zone the addresses came from (the node's own in a subnet several zones share), else the node's.
        let zone = object.status.zone.flatMap { $0.isEmpty ? nil : $0 } ?? nodeZone(of: object)
        let families = try await families(of: zone, recorded: recorded, node: name)
        if let converged = AddressStatusPlanner.recordedAllocations(in: object.status, owner: owner, families: families) {
            return converged
        }
        var held: [IPAllocation] = []
        if !recorded.isEmpty {
            let inIPAM = try await context.ipam.allocations(for: owner)
            for address in recorded where !held.contains(where: { $0.address.family == address.family }) {
                if let same = inIPAM.first(where: { $0.address.family == address.family }) {
                    if same.address != address {
                        context.logger.warning(
                            "IPAM holds another address for the node than its status records; using the IPAM's",
                            metadata: ["node": "\(name)", "recorded": "\(address)", "held": "\(same.cidr)"])
                    }
                    held.append(same)
                } else {
                    held.append(try await RecordedAddressRecovery.restore(address, of: name, regarding: object, context: context))
                }
            }
        }
        let missing = families.filter { family in !held.contains { $0.address.family == family } }
        if !missing.isEmpty {
            guard let zone else { throw ReservationFailure.missingZone(node: name) }
            if held.isEmpty {
                // A new node: the zone's whole set in one call (a backend may reserve every family in one step).
                held = try await context.ipam.reserve(owner, zone: zone)
            } else {
                // A node holding some families (its zone became dual-stack): only the missing ones.
                for family in missing {
                    try await context.crashHook(.betweenFamilies, name)
                    held.append(try await context.ipam.reserve(owner, zone: zone, family: family))
                }
            }
        }
        // A zone without families has no subnets (a backend answers unknownZone before that).
        guard !held.isEmpty else { throw IPAMError.unknownZone(zone ?? "", known: []) }
        // Primary family first, as the zone orders them; a recorded family the zone no longer has stays, last.
        let rank = { (allocation: IPAllocation) in families.firstIndex(of: allocation.address.family) ?? families.count }
        return held.sorted { rank($0) < rank($1) }
    }

    /// The families the node must hold: its zone's (asked of the IPAM once per zone and process). A node with
    /// recorded addresses and no zone, or whose zone the IPAM cannot name now (unknown zone, IPAM down),
    /// keeps the families it has, so a converged node never loses `Reserved=True` to that.
    private func families(of zone: String?, recorded: [IPAddress], node: String) async throws -> [IPAddressFamily] {
        let recordedFamilies = zoneFamilies(recorded.map(\.family))
        guard let zone else {
            if recorded.isEmpty { throw ReservationFailure.missingZone(node: node) }
            return recordedFamilies
        }
        do {
            return try await familyCache.families(of: zone, in: context.ipam)
        } catch where !recorded.isEmpty {
            context.logger.debug(
                "the zone's families are unknown for now; keeping the recorded ones", metadata: ["node": "\(node)", "error": "\(error)"])
            return recordedFamilies
        }
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
        let published = AddressStatusPlanner.recordedCIDRs(in: object.status)
        let observation = AddressReleasePolicy.Observation(
            nodeName: name, nodeExists: nodes.get(name: name) != nil, publishedAddresses: published,
            agentReported: object.status.interfaceLabel != nil || object.status.interface != nil,
            configuredAddresses: AddressStatusPlanner.configuredAddresses(in: object.status))
        switch context.settings.releasePolicy.decide(observation, waited: now - firstSeen) {
        case .hold(let hold):
            try await reportHold(hold, of: object)
            return .requeue(after: min(hold.recheckAfter, context.settings.releasePollInterval))
        case .release(let reason):
            try await context.ipam.release(context.owner(of: name))
            context.logger.info(
                "released addresses", metadata: ["node": "\(name)", "ipAddrs": "\(published)", "because": "\(reason)"])
            if let zone = object.status.zone, !published.isEmpty {
                context.metrics.allocationChanged(zone: zone, by: -published.count)
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
