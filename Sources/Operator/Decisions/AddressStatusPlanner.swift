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
