// The operator's part of a NodeOverlayIp status, computed from a node's allocations or a failure.
import IPAddressing
import IPAMCore
import KubeClient
import OverlayAPI

/// Computes the operator-owned keys of `NodeOverlayIp.status`; the caller writes only when they changed.
public enum AddressStatusPlanner {
    /// The status after a successful reservation of every family of the node's zone: `ipAddrs` and `gateways`
    /// (one per family, primary first), `ipAddr`, `gateway` and `subnet` of the primary one, the zone,
    /// `Reserved=True`, and `Ready` = the agent reports every one of these addresses as configured.
    /// - Parameter allocations: the node's allocations, primary family first; `zone` is the first one's.
    public static func reserved(
        _ allocations: [IPAllocation], current: NodeOverlayIpStatus, generation: Int?, now: KubeTime
    ) -> NodeOverlayIpStatus {
        guard let primary = allocations.first else { return current }
        var status = current
        status.ipAddr = primary.cidr
        status.gateway = primary.gateway.description
        status.ipAddrs = allocations.map(\.cidr)
        status.gateways = allocations.map(\.gateway.description)
        status.zone = primary.zone
        status.subnet = primary.subnet.description
        status.observedGeneration = generation
        let list = allocations.map(\.cidr).joined(separator: " and ")
        var conditions = current.conditions ?? []
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.reserved, status: .true, reason: "Reserved",
                message: allocations.map { "\($0.cidr) from \($0.subnet)" }.joined(separator: ", ") + " in zone \(primary.zone)",
                observedGeneration: generation, lastTransitionTime: now))
        let reported = configuredAddresses(in: current)
        let configured = allocations.allSatisfy { isConfigured($0.address, reportedAmong: reported) }
        conditions.setCondition(
            Condition(
                type: Overlay.ConditionType.ready, status: configured ? .true : .false,
                reason: configured ? "Configured" : "WaitingForAgent",
                message: configured
                    ? "\(list) \(allocations.count == 1 ? "is" : "are") configured on the node"
                    : "waiting for the node's agent to configure \(list)",
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
        current.ipAddr != desired.ipAddr || current.gateway != desired.gateway || current.ipAddrs != desired.ipAddrs
            || current.gateways != desired.gateways || current.zone != desired.zone
            || current.subnet != desired.subnet || current.observedGeneration != desired.observedGeneration
            || (current.conditions ?? []) != (desired.conditions ?? [])
    }

    /// The allocations `status` records, primary first, when they are complete and say `Reserved=True`: then
    /// the IPAM need not be asked again (the recovery loop compares both sides in bulk). Nil when any key is
    /// missing or unreadable, when the reservation is not confirmed, or when the status holds another set of
    /// families than `families` (the zone's, in order: a zone that became dual-stack needs its second address).
    ///
    /// A status written before `ipAddrs` existed (only `ipAddr`, `gateway`, `subnet`) counts as the one-element
    /// list, so the upgrade costs no IPAM request either. The subnet of a second address is the network its
    /// CIDR form names (each allocation's prefix length is its subnet's).
    public static func recordedAllocations(
        in status: NodeOverlayIpStatus, owner: IPAMOwner, families: [IPAddressFamily]
    ) -> [IPAllocation]? {
        guard (status.conditions ?? []).isTrue(Overlay.ConditionType.reserved),
            let primaryCIDR = status.ipAddr, let primaryGateway = status.gateway,
            let subnet = status.subnet.flatMap(IPPrefix.init),
            let zone = status.zone, !zone.isEmpty
        else { return nil }
        let cidrs = status.ipAddrs ?? [primaryCIDR]
        let gateways = status.gateways ?? [primaryGateway]
        guard cidrs.count == gateways.count, cidrs.first == primaryCIDR, gateways.first == primaryGateway else { return nil }
        var allocations: [IPAllocation] = []
        for (cidr, gatewayText) in zip(cidrs, gateways) {
            guard let (address, prefixLength) = addressAndLength(fromCIDR: cidr), let gateway = IPAddress(gatewayText),
                let network = allocations.isEmpty ? subnet : IPPrefix(containing: address, length: prefixLength),
                network.contains(address)
            else { return nil }
            allocations.append(IPAllocation(
                owner: owner, address: address, prefixLength: prefixLength, gateway: gateway, subnet: network, zone: zone))
        }
        guard allocations.map(\.address.family) == families else { return nil }
        return allocations
    }

    /// The addresses `status` records in CIDR form, primary first: `ipAddrs`, or `ipAddr` alone as written
    /// before `ipAddrs` existed; empty when none is recorded.
    public static func recordedCIDRs(in status: NodeOverlayIpStatus) -> [String] {
        if let list = status.ipAddrs, !list.isEmpty { return list }
        if let single = status.ipAddr, !single.isEmpty { return [single] }
        return []
    }

    /// The addresses the agent reports configured: `configuredAddresses` together with `configuredAddress`
    /// (an agent from before dual stack writes only the latter).
    public static func configuredAddresses(in status: NodeOverlayIpStatus) -> [String] {
        (status.configuredAddresses ?? []) + [status.configuredAddress].compactMap { $0 }.filter { !$0.isEmpty }
    }

    /// The address part of a `status.ipAddr` value (`192.168.100.4/24` → `192.168.100.4`).
    public static func address(fromCIDR value: String) -> IPAddress? {
        let host = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value
        return IPAddress(host)
    }

    /// The address and prefix length of a CIDR-form value (`fd00::4/64`); nil without a readable length.
    static func addressAndLength(fromCIDR value: String) -> (IPAddress, Int)? {
        let parts = value.split(separator: "/")
        guard parts.count == 2, let address = IPAddress(String(parts[0])), let length = Int(parts[1]),
            length >= 0, length <= address.family.bitWidth
        else { return nil }
        return (address, length)
    }

    /// Whether the agent's `configuredAddress` (plain or CIDR form) is `address`.
    public static func isConfigured(_ address: IPAddress, reported: String?) -> Bool {
        isConfigured(address, reportedAmong: [reported].compactMap { $0 })
    }

    /// Whether `address` is among the agent's reported addresses (each in plain or CIDR form).
    public static func isConfigured(_ address: IPAddress, reportedAmong reported: [String]) -> Bool {
        reported.contains { !$0.isEmpty && Self.address(fromCIDR: $0) == address }
    }
}
