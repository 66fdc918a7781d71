// A configured prefix as resolved in NetBox (id, prefix, gateway, populated ranges) and the addresses it never hands out.
import FoundationExtras
import IPAddressing

/// One prefix of the prefix map, resolved once against NetBox.
struct NetBoxPrefix: Sendable, Equatable {
    /// The NetBox prefix id.
    var id: Int
    var prefix: IPPrefix
    /// The next hop for overlay routes; never handed out.
    var gateway: IPAddress
    /// The zone whose list names the prefix.
    var zone: String
    /// The YAML path of the entry, e.g. `ipam.netbox.prefixMap.dal10[0]`.
    var path: String
    /// IP ranges inside the prefix marked populated: NetBox does not offer them and neither does the backend.
    var populatedRanges: [IPRange]

    /// Why `address` must never be handed out, or `nil` when it may be: outside the prefix, its network
    /// (IPv4) or subnet-router anycast (IPv6) address, its IPv4 broadcast address, the gateway, or in a
    /// populated range. NetBox offers some of these (pool prefixes, a configured gateway with no IP object).
    func refusal(for address: IPAddress) -> String? {
        guard prefix.contains(address) else { return "outside \(prefix)" }
        if address < prefix.firstHost {
            return address.family == .v4 ? "network address of \(prefix)" : "subnet-router anycast address of \(prefix)"
        }
        if address > prefix.lastHost { return "broadcast address of \(prefix)" }
        if address == gateway { return "gateway of \(prefix)" }
        if let range = populatedRanges.first(where: { $0.contains(address) }) { return "in the populated IP range \(range)" }
        return nil
    }

    /// How many addresses may ever be handed out: the hosts minus the gateway and the populated ranges.
    var assignableCount: Int {
        var excluded = 1
        for range in populatedRanges {
            let first = max(range.first, prefix.firstHost)
            let last = min(range.last, prefix.lastHost)
            guard first <= last else { continue }
            let size = last.value - first.value + 1
            excluded += Int(exactly: size) ?? Int.max / 2
            if range.contains(gateway) { excluded -= 1 }
        }
        return max(0, prefix.hostCount - excluded)
    }

    /// NetBox's first-hop-redundancy roles: an address with one of them is taken as the gateway.
    static let firstHopRoles: Set<String> = ["vrrp", "hsrp", "glbp", "carp", "anycast"]

    /// The gateway among the IP addresses of `prefix`: description `gateway` (any case) first, then a
    /// first-hop role; the lowest address of the first kind found. `nil` when there is none.
    static func gateway(among records: [NetBoxAddressRecord], in prefix: IPPrefix) -> IPAddress? {
        let inside = records.filter { prefix.contains($0.ip) && $0.ip >= prefix.firstHost && $0.ip <= prefix.lastHost }
        let described = inside.filter { $0.description.trimmingWhitespaceAndNewlines().lowercased() == "gateway" }.map(\.ip)
        if let lowest = described.min() { return lowest }
        return inside.filter { $0.role.map(firstHopRoles.contains) ?? false }.map(\.ip).min()
    }
}
