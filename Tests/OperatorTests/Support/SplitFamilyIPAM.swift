// A dual-stack zone dal10 made of two single-family local backends, for operator tests while the local backend is single-family.
import IPAddressing
import IPAMCore

/// Zone dal10 of `v4` plus, when `v6` is set, the IPv6 subnet of `v6` under the same zone name: the
/// per-family protocol answered by one backend per family. Stands in for a dual-stack local backend.
struct SplitFamilyIPAM: IPAMBackend {
    let v4: any IPAMBackend
    let v6: (any IPAMBackend)?

    private func backend(_ family: IPAddressFamily) throws -> any IPAMBackend {
        if family == .v4 { return v4 }
        guard let v6 else { throw IPAMError.familyNotInZone(zone: "dal10", family: .v6, families: [.v4]) }
        return v6
    }

    func families(inZone zone: String) async throws -> [IPAddressFamily] {
        var result = try await v4.families(inZone: zone)
        if zone == "dal10", v6 != nil { result.append(.v6) }
        return result
    }
    func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        try await backend(family).reserve(owner, zone: zone, family: family)
    }
    func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        try await backend(address.family).reclaim(owner, address: address)
    }
    func release(_ owner: IPAMOwner) async throws {
        try await v4.release(owner)
        try await v6?.release(owner)
    }
    func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await v4.allocations(for: owner) + (v6?.allocations(for: owner) ?? [])
    }
    func allocations() async throws -> [IPAllocation] {
        try await v4.allocations() + (v6?.allocations() ?? [])
    }
    func usage() async throws -> [SubnetUsage] { try await v4.usage() + (v6?.usage() ?? []) }
    func zones(listing subnet: IPPrefix) async throws -> [String] { try await backend(subnet.family).zones(listing: subnet) }
    func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? { nil }
    func legacyAllocations() async throws -> [LegacyAllocation] { [] }
}

extension OperatorHarness {
    /// A backend with dual-stack zone dal10 (192.168.100.0/24, then fd00:100::/64; IPv4 primary) and IPv4 zone
    /// dal12, as ``localConfiguration(database:cooldownSeconds:dualStack:)`` describes; `dualStack: false` leaves
    /// dal10 IPv4-only over the same database (a zone that becomes dual-stack).
    func dualStackBackend(database: String = "ipam.db", dualStack: Bool = true) async throws -> any IPAMBackend {
        let v4 = try await backend(try localConfiguration(database: database))
        guard dualStack else { return SplitFamilyIPAM(v4: v4, v6: nil) }
        let v6 = try await backend(try OverlayConfiguration.parse(yaml: """
            clusterID: test-cluster
            ipam:
              backend: local
              local:
                database: \(directory.file(database + "6"))
                zones:
                  dal10:
                    - {subnet: "fd00:100::/64", gateway: "fd00:100::1"}
            """))
        return SplitFamilyIPAM(v4: v4, v6: v6)
    }
}
