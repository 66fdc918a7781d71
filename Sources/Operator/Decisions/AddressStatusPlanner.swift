// The operator's part of a NodeOverlayIp status, computed from an allocation or a failure.
import IPAddressing
import IPAMCore
import KubeClient
import OverlayAPI

/// Computes the operator-owned keys of `NodeOverlayIp.status`; the caller writes only when they changed.
public enum AddressStatusPlanner {
    /// The status after a successful reservation: address, gateway, zone, subnet, `Reserved=True`, and
    /// `Ready` = the agent reports this very address as configured.
    public static func reserved(
        _ allocation: IPAllocation, current: NodeOverlayIpStatus, generation: Int?, now: KubeTime
    ) -> NodeOverlayIpStatus {
        var status = current
        status.ipAddr = allocation.cidr
        status.gateway = allocation.gateway.description
        status.zone = allocation.zone
        status.subnet = allocation.subnet.description
        status.observedGeneration = generation
        var conditions = current.conditions ?? []
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.reserved, status: .true, reason: "Reserved",
                message: "\(allocation.cidr) from \(allocation.subnet) in zone \(allocation.zone)",
                observedGeneration: generation, lastTransitionTime: now))
        let configured = isConfigured(allocation.address, reported: current.configuredAddress)
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.ready, status: configured ? .true : .false,
                reason: configured ? "Configured" : "WaitingForAgent",
                message: configured
                    ? "\(allocation.cidr) is configured on the node"
                    : "waiting for the node's agent to configure \(allocation.cidr)",
                observedGeneration: generation, lastTransitionTime: now))
        status.conditions = conditions
        return status
    }

    /// The zone `status.zone` records for `allocation` held by a node of `nodeZone`: the node's own zone
    /// when the allocation's subnet is listed under it too (a subnet several zones share, whose allocations
    /// name the first zone listing it), else the allocation's zone.
    /// - Parameter subnetZones: the zones listing the allocation's subnet (``IPAMBackend/zones(listing:)``).
    public static func statusZone(of allocation: IPAllocation, nodeZone: String?, subnetZones: [String]) -> String {
        guard let nodeZone, subnetZones.contains(nodeZone) else { return allocation.zone }
        return nodeZone
    }

    /// The status when no address could be reserved: the address keys stay as they were (an address
    /// already recorded is never dropped by a failure), `Reserved=False` and `Ready=False` say why.
    public static func failed(
        _ failure: ReservationFailure, current: NodeOverlayIpStatus, generation: Int?, now: KubeTime
    ) -> NodeOverlayIpStatus {
        var status = current
        status.observedGeneration = generation
        var conditions = current.conditions ?? []
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.reserved, status: .false, reason: failure.reason, message: failure.message,
                observedGeneration: generation, lastTransitionTime: now))
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.ready, status: .false, reason: failure.reason,
                message: "no overlay address: \(failure.message)", observedGeneration: generation, lastTransitionTime: now))
        status.conditions = conditions
        return status
    }

    /// Whether the operator's keys differ between `current` and `desired` (so a status write is needed).
    public static func needsWrite(current: NodeOverlayIpStatus, desired: NodeOverlayIpStatus) -> Bool {
        current.ipAddr != desired.ipAddr || current.gateway != desired.gateway || current.zone != desired.zone
            || current.subnet != desired.subnet || current.observedGeneration != desired.observedGeneration
            || (current.conditions ?? []) != (desired.conditions ?? [])
    }

    /// The allocation `status` records, when it is complete and says `Reserved=True`: then the IPAM
    /// need not be asked again (the recovery loop compares both sides in bulk). Nil when any key is
    /// missing or unreadable, or the reservation is not confirmed.
    public static func recordedAllocation(in status: NodeOverlayIpStatus, owner: IPAMOwner) -> IPAllocation? {
        guard (status.conditions ?? []).isTrue(Overlay.ConditionType.reserved),
            let parts = status.ipAddr?.split(separator: "/"), parts.count == 2,
            let address = IPAddress(String(parts[0])), let prefixLength = Int(parts[1]),
            let gateway = status.gateway.flatMap(IPAddress.init), let subnet = status.subnet.flatMap(IPPrefix.init),
            let zone = status.zone, !zone.isEmpty
        else { return nil }
        return IPAllocation(owner: owner, address: address, prefixLength: prefixLength, gateway: gateway, subnet: subnet, zone: zone)
    }

    /// The address part of a `status.ipAddr` value (`192.168.100.4/24` → `192.168.100.4`).
    public static func address(fromCIDR value: String) -> IPAddress? {
        let host = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value
        return IPAddress(host)
    }

    /// Whether the agent's `configuredAddress` (plain or CIDR form) is `address`.
    public static func isConfigured(_ address: IPAddress, reported: String?) -> Bool {
        guard let reported, !reported.isEmpty else { return false }
        return Self.address(fromCIDR: reported) == address
    }
}
