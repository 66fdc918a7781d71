// The one-line explanation of what a zone does, for `overlay-ipam config validate`.
import IPAddressing

/// Says which address families a zone serves and in which order its subnets are tried.
public enum ZoneDescription {
    /// The line for a zone whose subnets are known offline, in configuration order.
    ///
    /// `zone dal10: dual-stack (IPv4 first): IPv4 192.168.100.0/24 then 192.168.101.0/24; IPv6 fd00:100::/64`
    /// for a zone with both families, `zone dal12: IPv4 only: 192.168.102.0/24` for a single-family one.
    public static func line(zone: String, subnets: [IPPrefix]) -> String {
        let families = zoneFamilies(subnets.map(\.family))
        func order(_ family: IPAddressFamily) -> String {
            subnets.filter { $0.family == family }.map(\.description).joined(separator: " then ")
        }
        guard let primary = families.first else { return "zone \(zone): no subnets" }
        guard families.count > 1 else { return "zone \(zone): \(primary) only: \(order(primary))" }
        let parts = families.map { "\($0) \(order($0))" }.joined(separator: "; ")
        return "zone \(zone): dual-stack (\(primary) first): \(parts)"
    }

    /// The line for a zone whose subnets' families only the IPAM server knows (subnets configured by id).
    public static func readAtStart(zone: String) -> String {
        "zone \(zone): address families are read from the IPAM server at start (dual-stack when it has subnets of both)"
    }
}
