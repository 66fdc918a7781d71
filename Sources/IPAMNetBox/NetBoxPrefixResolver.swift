// Resolves the prefix map once against NetBox: each id or CIDR to its prefix, gateway and populated ranges.
import IPAMCore
import IPAddressing

/// Looks up every configured prefix, failing with a configuration error that names the entry.
struct NetBoxPrefixResolver: Sendable {
    let connection: NetBoxConnection
    let context: NetBoxErrorContext

    /// The resolved prefixes, zones in configuration order, each zone's prefixes in order.
    func resolve(_ prefixMap: [NetBoxZonePrefixes]) async throws(IPAMError) -> [NetBoxPrefix] {
        var resolved: [NetBoxPrefix] = []
        for zone in prefixMap {
            for (index, reference) in zone.prefixes.enumerated() {
                let path = "ipam.netbox.prefixMap.\(zone.zone)[\(index)]"
                let prefix = try await resolve(reference, zone: zone.zone, path: path)
                if let clash = resolved.first(where: { $0.id == prefix.id || $0.prefix.overlaps(prefix.prefix) }) {
                    throw IPAMError.invalidConfiguration(
                        "\(path): NetBox prefix \(prefix.prefix) (id \(prefix.id)) overlaps \(clash.prefix) at \(clash.path); every address may belong to one prefix of one zone only")
                }
                resolved.append(prefix)
            }
        }
        return resolved
    }

    private func resolve(_ reference: NetBoxPrefixReference, zone: String, path: String) async throws(IPAMError) -> NetBoxPrefix {
        let context = context.about(prefix: path, reference)
        let record: NetBoxPrefixRecord
        switch reference.selector {
        case .id(let id):
            let answer = try await connection.call(.get, "/ipam/prefixes/\(id)/")
            record = try answer.decode(NetBoxPrefixRecord.self, context: context)
        case .cidr(let cidr):
            let answer = try await connection.call(.get, "/ipam/prefixes/?prefix=\(NetBoxConnection.queryValue(cidr.description))&limit=100")
            let page = try answer.decode(NetBoxPage<NetBoxPrefixRecord>.self, context: context)
            let matches = page.results.filter { $0.prefix == cidr }
            guard let only = matches.first else {
                throw IPAMError.invalidConfiguration(
                    "\(path): NetBox has no prefix \(cidr); create it in NetBox or fix the entry (a prefix id or CIDR)")
            }
            guard matches.count == 1 else {
                throw IPAMError.invalidConfiguration(
                    "\(path): NetBox has \(matches.count) prefixes \(cidr) (in different VRFs: ids \(matches.map { String($0.id) }.joined(separator: ", "))); name the one to use by its id")
            }
            record = only
        }
        let gateway = try await gateway(of: record, configured: reference.gateway, path: path, context: context)
        let ranges = try await populatedRanges(in: record.prefix, context: context)
        return NetBoxPrefix(id: record.id, prefix: record.prefix, gateway: gateway, zone: zone, path: path, populatedRanges: ranges)
    }

    private func gateway(
        of record: NetBoxPrefixRecord, configured: IPAddress?, path: String, context: NetBoxErrorContext
    ) async throws(IPAMError) -> IPAddress {
        let prefix = record.prefix
        if let configured {
            guard prefix.contains(configured), configured >= prefix.firstHost, configured <= prefix.lastHost else {
                throw IPAMError.invalidConfiguration(
                    "\(path).gateway: \(configured) is not a host address of NetBox prefix \(prefix) (id \(record.id)); use an address inside it, e.g. \(prefix.firstHost)")
            }
            return configured
        }
        let parent = NetBoxConnection.queryValue(prefix.description)
        var candidates: [NetBoxAddressRecord] = []
        let roles = NetBoxPrefix.firstHopRoles.sorted().map { "role=\($0)" }.joined(separator: "&")
        for query in ["parent=\(parent)&description__ie=gateway", "parent=\(parent)&\(roles)"] {
            let answer = try await connection.call(.get, "/ipam/ip-addresses/?\(query)&limit=100")
            candidates += try answer.decode(NetBoxPage<NetBoxAddressRecord>.self, context: context).results
        }
        guard let gateway = NetBoxPrefix.gateway(among: candidates, in: prefix) else {
            throw IPAMError.invalidConfiguration(
                "\(path): NetBox prefix \(prefix) (id \(record.id)) has no known gateway; set it in the entry ({prefix: \(record.id), gateway: IP}) or give the gateway's IP address in NetBox the description gateway or a first-hop role (VRRP, HSRP, GLBP, CARP, anycast)")
        }
        return gateway
    }

    private func populatedRanges(in prefix: IPPrefix, context: NetBoxErrorContext) async throws(IPAMError) -> [IPRange] {
        let answer = try await connection.call(.get, "/ipam/ip-ranges/?parent=\(NetBoxConnection.queryValue(prefix.description))&limit=1000")
        let page = try answer.decode(NetBoxPage<NetBoxRangeRecord>.self, context: context)
        return page.results.filter { $0.markPopulated && (prefix.contains($0.range.first) || prefix.contains($0.range.last)) }.map(\.range)
    }
}
