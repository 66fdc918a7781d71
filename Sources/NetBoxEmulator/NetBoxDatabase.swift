// The emulated NetBox tables and the availability rule of available-ips (netbox-api.md §5 and §8).
import FoundationEssentials

/// One `ipam.prefix` row.
struct PrefixRow: Sendable {
    var id: Int
    var prefix: NetBoxPrefix
    var vrfID: Int?
    var siteID: Int?
    var tenantID: Int?
    var ownerID: Int?
    var status: String
    var isPool: Bool
    var markUtilized: Bool
    var description: String
    var comments = ""
    var tagIDs: [Int]
    var customFields: [String: NetBoxJSON]
    var created: Date
    var lastUpdated: Date
}

/// One `ipam.ipaddress` row.
struct AddressRow: Sendable {
    var id: Int
    var address: NetBoxInterface
    var vrfID: Int?
    var tenantID: Int?
    var ownerID: Int?
    var status: String
    var role: String?
    var dnsName: String
    var description: String
    var comments = ""
    var tagIDs: [Int]
    var customFields: [String: NetBoxJSON]
    var created: Date
    var lastUpdated: Date
}

/// One `ipam.iprange` row.
struct RangeRow: Sendable {
    var id: Int
    var start: NetBoxInterface
    var end: NetBoxInterface
    var vrfID: Int?
    var status: String
    var markPopulated: Bool
    var markUtilized: Bool
    var description: String
    var created: Date
    var lastUpdated: Date

    var size: UInt128 { end.ip.value - start.ip.value + 1 }
}

/// Every table of the emulated server.
struct NetBoxDatabase: Sendable {
    static let paginateCount = 50
    static let maxPageSize = 1000

    let version: NetBoxVersion
    var sites: [Int: NetBoxSeed.Site] = [:]
    var tenants: [Int: NetBoxSeed.Tenant] = [:]
    var owners: [Int: NetBoxSeed.Owner] = [:]
    var tags: [Int: NetBoxSeed.Tag] = [:]
    var vrfs: [Int: NetBoxSeed.VRF] = [:]
    var customFields: [NetBoxSeed.CustomField] = []
    var prefixes: [Int: PrefixRow] = [:]
    var addresses: [Int: AddressRow] = [:]
    var ranges: [Int: RangeRow] = [:]
    var users: [String: NetBoxSeed.User] = [:]
    var tokens: [NetBoxSeed.Token] = []
    var nextAddressID: Int
    var nextPrefixID: Int
    var nextRangeID: Int

    /// Builds the tables from `seed` at time `now`; an invalid seed entry is a programmer error.
    init(seed: NetBoxSeed, now: Date) {
        version = seed.version
        for site in seed.sites { sites[site.id] = site }
        for tenant in seed.tenants { tenants[tenant.id] = tenant }
        if seed.version.hasOwners { for owner in seed.owners { owners[owner.id] = owner } }
        for tag in seed.tags { tags[tag.id] = tag }
        for vrf in seed.vrfs { vrfs[vrf.id] = vrf }
        customFields = seed.customFields.sorted { $0.name < $1.name }
        for user in seed.users { users[user.username] = user }
        tokens = seed.tokens
        nextAddressID = (seed.addresses.map(\.id).max() ?? 0) + 1
        nextPrefixID = (seed.prefixes.map(\.id).max() ?? 0) + 1
        nextRangeID = (seed.ipRanges.map(\.id).max() ?? 0) + 1
        let slugs = Dictionary(seed.tags.map { ($0.slug, $0.id) }, uniquingKeysWith: { first, _ in first })
        func tagIDs(_ names: [String]) -> [Int] {
            names.map { name in
                guard let id = slugs[name] else { preconditionFailure("seed names an undefined tag \(name)") }
                return id
            }
        }
        for prefix in seed.prefixes {
            guard let network = NetBoxPrefix(cidr: prefix.prefix) else { preconditionFailure("seed prefix \(prefix.id) is not a CIDR: \(prefix.prefix)") }
            prefixes[prefix.id] = PrefixRow(
                id: prefix.id, prefix: network, vrfID: prefix.vrfID, siteID: prefix.siteID, tenantID: prefix.tenantID,
                ownerID: seed.version.hasOwners ? prefix.ownerID : nil, status: prefix.status, isPool: prefix.isPool,
                markUtilized: prefix.markUtilized, description: prefix.description, tagIDs: tagIDs(prefix.tags),
                customFields: seededCustomFields(prefix.customFields, objectType: "ipam.prefix"), created: now, lastUpdated: now)
        }
        for range in seed.ipRanges {
            guard let start = NetBoxInterface(range.startAddress), let end = NetBoxInterface(range.endAddress) else {
                preconditionFailure("seed range \(range.id) has an invalid address")
            }
            ranges[range.id] = RangeRow(
                id: range.id, start: start, end: end, vrfID: range.vrfID, status: range.status, markPopulated: range.markPopulated,
                markUtilized: range.markUtilized, description: range.description, created: now, lastUpdated: now)
        }
        for address in seed.addresses {
            guard let interface = NetBoxInterface(address.address) else { preconditionFailure("seed address \(address.id) is invalid: \(address.address)") }
            addresses[address.id] = AddressRow(
                id: address.id, address: interface, vrfID: address.vrfID, tenantID: address.tenantID,
                ownerID: seed.version.hasOwners ? address.ownerID : nil, status: address.status, role: address.role,
                dnsName: address.dnsName.lowercased(), description: address.description, tagIDs: tagIDs(address.tags),
                customFields: seededCustomFields(address.customFields, objectType: "ipam.ipaddress"), created: now, lastUpdated: now)
        }
    }

    /// Custom field data for a new object: every defined field, `null` where `values` gives none.
    func seededCustomFields(_ values: [String: String], objectType: String) -> [String: NetBoxJSON] {
        var result: [String: NetBoxJSON] = [:]
        for field in fields(for: objectType) {
            guard let text = values[field.name] else {
                result[field.name] = .null
                continue
            }
            switch field.type {
            case .integer: result[field.name] = Int(text).map(NetBoxJSON.int) ?? .string(text)
            case .boolean: result[field.name] = .bool(text == "true")
            case .text, .longtext: result[field.name] = .string(text)
            }
        }
        return result
    }

    /// The custom fields defined for `objectType` (`ipam.ipaddress`, `ipam.prefix`), by name.
    func fields(for objectType: String) -> [NetBoxSeed.CustomField] {
        customFields.filter { $0.objectTypes.contains(objectType) }
    }

    // MARK: - Addresses

    /// Every address row in PostgreSQL inet order, then id (NetBox's default ordering).
    func orderedAddresses() -> [AddressRow] {
        addresses.values.sorted {
            if $0.address == $1.address { return $0.id < $1.id }
            return NetBoxInterface.postgresOrder($0.address, $1.address)
        }
    }

    /// Stores a new address row under the next id and returns that id.
    @discardableResult
    mutating func insert(_ row: AddressRow) -> Int {
        var row = row
        row.id = nextAddressID
        nextAddressID += 1
        addresses[row.id] = row
        return row.id
    }

    /// Addresses in the same table (VRF or global) whose host equals `ip`, other than `excluding`.
    func duplicates(of ip: NetBoxIP, vrfID: Int?, excluding id: Int?) -> [AddressRow] {
        addresses.values.filter { $0.address.ip == ip && $0.vrfID == vrfID && $0.id != id }.sorted {
            NetBoxInterface.postgresOrder($0.address, $1.address) || ($0.address == $1.address && $0.id < $1.id)
        }
    }

    // MARK: - Availability

    /// The first `limit` addresses available-ips offers in `prefix`, lowest first (netbox-api.md §8):
    /// every host of the prefix without an IP-address object of the same VRF (any status, any mask) and
    /// outside ranges marked populated; a non-pool IPv4 prefix below /31 leaves out its network and broadcast
    /// addresses, a non-pool IPv6 prefix below /127 its subnet-router anycast address. `mark_utilized`,
    /// the prefix status and child prefixes change nothing.
    func availableIPs(in prefix: PrefixRow, limit: Int) -> [NetBoxIP] {
        let network = prefix.prefix
        let isIPv6 = network.network.isIPv6
        let taken = Set(addresses.values.lazy.filter { $0.vrfID == prefix.vrfID && network.contains($0.address.ip) }.map(\.address.ip.value))
        let populated = ranges.values.filter {
            $0.markPopulated && $0.vrfID == prefix.vrfID && $0.start.ip.isIPv6 == isIPv6
                && $0.end.ip.value >= network.first.value && $0.start.ip.value <= network.last.value
        }.map { $0.start.ip.value...$0.end.ip.value }
        var first = network.first.value
        var last = network.last.value
        let fullyUsable = prefix.isPool || (isIPv6 ? network.length >= 127 : network.length >= 31)
        if !fullyUsable {
            first += 1
            if !isIPv6 { last -= 1 }
        }
        var result: [NetBoxIP] = []
        guard first <= last, limit > 0 else { return result }
        var candidate = first
        while result.count < limit {
            if let range = populated.first(where: { $0.contains(candidate) }) {
                guard range.upperBound < last else { break }
                candidate = range.upperBound + 1
                continue
            }
            if !taken.contains(candidate) { result.append(NetBoxIP(isIPv6: isIPv6, value: candidate)) }
            if candidate == last { break }
            candidate += 1
        }
        return result
    }
}
