// The rtnetlink multicast groups a monitor can subscribe to.

/// Which notifications a monitor subscribes to.
public struct NetlinkEventGroups: OptionSet, Sendable, Hashable {
    /// The bit set.
    public var rawValue: UInt8
    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// Link changes (`RTNLGRP_LINK`).
    public static let links = NetlinkEventGroups(rawValue: 1 << 0)
    /// IPv4 address changes (`RTNLGRP_IPV4_IFADDR`).
    public static let ipv4Addresses = NetlinkEventGroups(rawValue: 1 << 1)
    /// IPv4 route changes (`RTNLGRP_IPV4_ROUTE`).
    public static let ipv4Routes = NetlinkEventGroups(rawValue: 1 << 2)
    /// IPv6 address changes (`RTNLGRP_IPV6_IFADDR`).
    public static let ipv6Addresses = NetlinkEventGroups(rawValue: 1 << 3)
    /// IPv6 route changes (`RTNLGRP_IPV6_ROUTE`).
    public static let ipv6Routes = NetlinkEventGroups(rawValue: 1 << 4)
    /// Everything the agent needs for drift repair.
    public static let all: NetlinkEventGroups = [.links, .ipv4Addresses, .ipv4Routes, .ipv6Addresses, .ipv6Routes]

    /// The `RTNLGRP_*` numbers to join.
    var multicastGroups: [UInt32] {
        let table: [(NetlinkEventGroups, UInt32)] = [
            (.links, RTNL.groupLink), (.ipv4Addresses, RTNL.groupIPv4Address), (.ipv4Routes, RTNL.groupIPv4Route),
            (.ipv6Addresses, RTNL.groupIPv6Address), (.ipv6Routes, RTNL.groupIPv6Route),
        ]
        return table.filter { contains($0.0) }.map(\.1)
    }
}
