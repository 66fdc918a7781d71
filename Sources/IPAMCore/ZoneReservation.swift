// Reserving a node's whole set of addresses: one per address family of its zone, built on the per-family calls.
import IPAddressing

extension IPAMBackend {
    /// Reserves one address of every family of `zone` for `owner`, in the zone's family order (see
    /// ``IPAMBackend/families(inZone:)``): one address for a single-family zone, two for a dual-stack one.
    ///
    /// The reservation is complete only when every family is held. Each family is reserved idempotently, so
    /// after a failure or a crash between two families calling this again returns the addresses already held
    /// and reserves only the missing ones; ``IPAMBackend/release(_:)`` releases whatever part is held.
    /// - Throws: The first error of a family's reservation; the families reserved before it stay held.
    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> [IPAllocation] {
        var reserved: [IPAllocation] = []
        for family in try await families(inZone: zone) {
            reserved.append(try await reserve(owner, zone: zone, family: family))
        }
        return reserved
    }

    /// The allocation of `family` that `owner` holds, if any.
    public func allocation(for owner: IPAMOwner, family: IPAddressFamily) async throws -> IPAllocation? {
        try await allocations(for: owner).first { $0.address.family == family }
    }
}

/// The address families of an ordered subnet list, each once, in the order of its first subnet.
///
/// - Parameter families: The family of each subnet, in configuration order.
public func zoneFamilies(_ families: some Sequence<IPAddressFamily>) -> [IPAddressFamily] {
    var ordered: [IPAddressFamily] = []
    for family in families where !ordered.contains(family) { ordered.append(family) }
    return ordered
}
