// The groups of conformance cases a backend's registration opts into, and the zones each family's cases use.

import IPAddressing

/// Groups of conformance cases; a backend's registration runs the groups it supports, e.g.
/// `IPAMConformanceSuite.cases([.ipv4, .cooldown])` for a backend without IPv6.
public struct ConformanceGroups: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The single-family cases on the IPv4 zones `zone-a` and `zone-b`.
    public static let ipv4 = ConformanceGroups(rawValue: 1 << 0)
    /// The same cases on the IPv6 zones `zone-a6` and `zone-b6` (needs ``ConformanceFixture/allFamilies``).
    public static let ipv6 = ConformanceGroups(rawValue: 1 << 1)
    /// The dual-stack cases on `zone-d` and `zone-d6` (needs ``ConformanceFixture/allFamilies``).
    public static let dualStack = ConformanceGroups(rawValue: 1 << 2)
    /// The cool-down cases of the other selected groups (needs a suite made with `cooldown`).
    public static let cooldown = ConformanceGroups(rawValue: 1 << 3)

    /// Every group.
    public static let all: ConformanceGroups = [.ipv4, .ipv6, .dualStack, .cooldown]
}

/// The zones the single-family cases of one address family use.
struct FamilyZones: Sendable {
    /// The family every reservation of the cases asks for.
    var family: IPAddressFamily
    /// A zone of two small subnets, for spill-over and exhaustion.
    var small: String
    /// A zone of one subnet with more than 200 assignable addresses, for the concurrency cases.
    var large: String
    /// An address of `family` inside no subnet of the fixture.
    var outside: String
    /// Appended to each case name; empty for IPv4, so its cases keep the names they always had.
    var nameSuffix: String

    static let ipv4 = FamilyZones(family: .v4, small: "zone-a", large: "zone-b", outside: "10.99.99.99", nameSuffix: "")
    static let ipv6 = FamilyZones(family: .v6, small: "zone-a6", large: "zone-b6", outside: "fd00:99::1", nameSuffix: " (IPv6)")
}
