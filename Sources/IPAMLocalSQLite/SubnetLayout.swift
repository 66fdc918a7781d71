// Which offsets of one configured subnet may be handed out: pure, computed once from the configuration.

import IPAddressing
import IPAMCore

/// One configured subnet as the local backend sees it: its place in its zone and the offsets it may hand out.
///
/// Offsets count from the network address (offset 0). The assignable offsets are the usable hosts minus
/// the gateway and the reserved ranges; the network address (for IPv6 the subnet-router anycast address)
/// and the IPv4 broadcast address are never hosts, except in /31 and /127 point-to-point subnets.
/// Every address of an IPv6 /64 has an offset (see ``StoredOffset``); of a shorter prefix, which the
/// configuration refuses, only the first 2^64 addresses would be tracked.
struct SubnetLayout: Sendable, Hashable {
    /// The zone the subnet belongs to.
    let zone: String
    /// The subnet's place in its zone's ordered list (0 = tried first).
    let position: Int
    /// The subnet itself.
    let prefix: IPPrefix
    /// The subnet's gateway (never handed out).
    let gateway: IPAddress
    /// The assignable offsets: sorted, disjoint, non-adjacent.
    let assignable: [OffsetInterval]

    /// Computes the layout of `prefix` with `gateway` and `reserved` taken out.
    init(zone: String, position: Int, prefix: IPPrefix, gateway: IPAddress, reserved: [IPRange]) {
        self.zone = zone
        self.position = position
        self.prefix = prefix
        self.gateway = gateway
        let hosts = Self.clippedOffsets(prefix.firstHost, prefix.lastHost, in: prefix)
        var excluded: [OffsetInterval] = []
        if let gatewayOffset = Self.offset(of: gateway, in: prefix) {
            excluded.append(OffsetInterval(first: gatewayOffset, last: gatewayOffset))
        }
        for range in reserved {
            if let interval = Self.clippedOffsets(range.first, range.last, in: prefix) {
                excluded.append(interval)
            }
        }
        self.assignable = hosts.map { OffsetIntervals.subtract(excluded, from: [$0]) } ?? []
    }

    /// The key the database stores the subnet under: its canonical text form.
    var key: String { prefix.description }

    /// The number of addresses that may ever be handed out.
    var assignableCount: Int { OffsetIntervals.count(assignable) }

    /// The assignable offsets in text form (`3-6,8-254`); two layouts with equal fingerprints hand out
    /// exactly the same addresses.
    var fingerprint: String { assignable.map(\.description).joined(separator: ",") }

    /// Whether the subnet may hand out the address at `offset`.
    func isAssignable(offset: UInt64) -> Bool { OffsetIntervals.contains(offset, in: assignable) }

    /// The address at `offset`, if the offset lies in the subnet.
    func address(atOffset offset: UInt64) -> IPAddress? { prefix.address(atWideOffset: offset) }

    /// The offset of `address`, if the subnet contains it and the offset is tracked.
    func offset(of address: IPAddress) -> UInt64? { Self.offset(of: address, in: prefix) }

    /// The allocation value for `owner` holding the address at `offset`.
    func allocation(owner: IPAMOwner, offset: UInt64) -> IPAllocation? {
        guard let address = address(atOffset: offset) else { return nil }
        return IPAllocation(
            owner: owner, address: address, prefixLength: prefix.length, gateway: gateway, subnet: prefix, zone: zone)
    }

    // MARK: - Offset arithmetic

    private static func offset(of address: IPAddress, in prefix: IPPrefix) -> UInt64? {
        prefix.wideOffset(of: address)
    }

    /// The offsets of `first...last` that lie inside `prefix` (and below 2^64), or `nil` if none do.
    private static func clippedOffsets(_ first: IPAddress, _ last: IPAddress, in prefix: IPPrefix) -> OffsetInterval? {
        guard first.family == prefix.family, last.family == prefix.family else { return nil }
        let low = max(first.value, prefix.network.value)
        let high = min(last.value, prefix.lastAddress.value)
        guard low <= high else { return nil }
        let base = prefix.network.value
        let lowOffset = low - base
        guard let first = UInt64(exactly: lowOffset) else { return nil }
        let last = UInt64(exactly: high - base) ?? UInt64.max
        return OffsetInterval(first: first, last: last)
    }
}

extension SubnetLayout {
    /// The layouts of every configured subnet, refusing a configuration the backend cannot serve.
    static func layouts(of configuration: LocalIPAMConfiguration) throws(IPAMError) -> [SubnetLayout] {
        var layouts: [SubnetLayout] = []
        var zoneNames: Set<String> = []
        for zone in configuration.zones {
            guard zoneNames.insert(zone.name).inserted else {
                throw IPAMError.invalidConfiguration("ipam.local.zones.\(zone.name): the zone is configured twice; merge its subnets")
            }
            for (position, subnet) in zone.subnets.enumerated() {
                let layout = SubnetLayout(
                    zone: zone.name, position: position, prefix: subnet.subnet, gateway: subnet.gateway, reserved: subnet.reserved)
                if let clash = layouts.first(where: { $0.prefix.overlaps(layout.prefix) }) {
                    // The same subnet under another zone is one pool they share: laid out once, under its first zone.
                    if clash.prefix == layout.prefix, clash.zone != zone.name, clash.gateway == layout.gateway,
                        clash.fingerprint == layout.fingerprint
                    {
                        continue
                    }
                    throw IPAMError.invalidConfiguration(
                        "ipam.local.zones.\(zone.name)[\(position)].subnet: \(layout.key) overlaps \(clash.key) of zone \(clash.zone); "
                            + "make the subnets disjoint, or list the very same subnet (gateway and reserved alike) under each zone that shares it")
                }
                layouts.append(layout)
            }
        }
        return layouts
    }
}
