// The emulated phpIPAM tables: subnets, address rows, users with their tokens, failed logins.
import EmulatorSupport
import Foundation

/// One row of phpIPAM's `ipaddresses` table.
struct AddressRow: Sendable, Equatable {
    var id: Int
    var subnetID: Int
    var ip: EmulatorIP
    var isGateway: Bool = false
    /// State: 1 Offline, 2 Used, 3 Reserved, 4 DHCP.
    var tag: Int = 2
    /// Text columns (`description`, `hostname`, `owner`, …) and custom fields; absent means NULL.
    var text: [String: String] = [:]
    /// Nullable integer columns (`deviceId`, `location`, `customer_id`); absent means NULL.
    var numbers: [String: Int] = [:]
}

/// One row of phpIPAM's `subnets` table.
struct SubnetRow: Sendable, Equatable {
    var id: Int
    var prefix: EmulatorPrefix
    var sectionID: Int
    var description: String
    var isFull: Bool
    /// Subnets created through the API have `vrfId`/`vlanId` NULL and `showName` 0.
    var createdThroughAPI: Bool
}

/// A phpIPAM user and the token it holds (one per user, shared by every app).
struct UserRow: Sendable, Equatable {
    var username: String
    var password: String
    var disabled: Bool
    var token: String?
    var tokenValidUntil: Date?
}

/// Every table of the emulated server.
struct PhpIPAMDatabase: Sendable {
    static let tokenLifetime: TimeInterval = 21_600
    static let loginBlockWindow: TimeInterval = 300
    static let loginBlockThreshold = 10

    /// The address columns phpIPAM returns, in its order; custom fields follow.
    static let addressTextColumns = ["description", "hostname", "mac", "owner", "port", "note", "lastSeen", "firewallAddressObject", "editDate"]
    static let addressNumberColumns = ["deviceId", "location", "customer_id"]
    static let addressFlagColumns = ["excludePing", "PTRignore", "PTR"]

    var subnets: [Int: SubnetRow] = [:]
    var addresses: [Int: AddressRow] = [:]
    var users: [UserRow] = []
    var sectionIDs: Set<Int> = []
    var nextAddressID: Int
    var nextSubnetID: Int
    /// Failed logins per client IP, oldest first.
    var loginFailures: [String: [Date]] = [:]

    /// Builds the tables from `seed` at time `now`; invalid seed entries are programmer errors.
    init(seed: PhpIPAMSeed, now: Date) {
        nextAddressID = seed.firstAddressID
        nextSubnetID = (seed.subnets.map(\.id).max() ?? 0) + 1
        sectionIDs = Set(seed.sections.map(\.id))
        for subnet in seed.subnets {
            guard let prefix = EmulatorPrefix(cidr: subnet.cidr) else {
                preconditionFailure("seed subnet \(subnet.id) has an invalid CIDR \(subnet.cidr)")
            }
            subnets[subnet.id] = SubnetRow(
                id: subnet.id, prefix: prefix, sectionID: subnet.sectionID, description: subnet.description,
                isFull: subnet.isFull, createdThroughAPI: false)
            if let gateway = subnet.gateway {
                guard let ip = EmulatorIP(gateway), prefix.contains(ip) else {
                    preconditionFailure("seed gateway \(gateway) is not an address of \(prefix)")
                }
                insertAddress(AddressRow(id: 0, subnetID: subnet.id, ip: ip, isGateway: true, tag: 2, text: ["description": "gateway"]))
            }
            for reserved in subnet.reserved {
                guard let ip = EmulatorIP(reserved), prefix.contains(ip) else {
                    preconditionFailure("seed address \(reserved) is not an address of \(prefix)")
                }
                insertAddress(AddressRow(id: 0, subnetID: subnet.id, ip: ip, tag: 3, text: ["description": "reserved"]))
            }
        }
        users = seed.users.map {
            UserRow(
                username: $0.username, password: $0.password, disabled: $0.disabled, token: $0.token,
                tokenValidUntil: $0.token == nil ? nil : now.addingTimeInterval(Self.tokenLifetime))
        }
    }

    /// Stores `row` under the next id and returns that id.
    @discardableResult
    mutating func insertAddress(_ row: AddressRow) -> Int {
        var row = row
        row.id = nextAddressID
        nextAddressID += 1
        if row.isGateway { clearGatewayFlag(inSubnet: row.subnetID) }
        addresses[row.id] = row
        return row.id
    }

    /// Clears `is_gateway` on every row of a subnet: phpIPAM keeps one gateway per subnet.
    mutating func clearGatewayFlag(inSubnet subnetID: Int) {
        for (id, row) in addresses where row.subnetID == subnetID && row.isGateway {
            addresses[id]?.isGateway = false
        }
    }

    /// The rows of a subnet in address order.
    func rows(inSubnet subnetID: Int) -> [AddressRow] {
        addresses.values.filter { $0.subnetID == subnetID }.sorted { $0.ip < $1.ip }
    }

    /// Every row in address order, then id.
    func allRows() -> [AddressRow] {
        addresses.values.sorted { ($0.ip, $0.id) < ($1.ip, $1.id) }
    }

    /// The lowest host address of the subnet that has no row, if any (for IPv6 the subnet address first).
    func firstFree(inSubnet subnetID: Int) -> EmulatorIP? {
        guard let subnet = subnets[subnetID] else { return nil }
        let taken = Set(addresses.values.lazy.filter { $0.subnetID == subnetID }.map(\.ip.value))
        var candidate = subnet.prefix.firstHost.value
        let last = subnet.prefix.lastHost.value
        // At most one step more than there are rows: the loop ends quickly even in an IPv6 /64.
        while candidate <= last {
            if !taken.contains(candidate) { return EmulatorIP(isIPv6: subnet.prefix.isIPv6, value: candidate) }
            if candidate == last { break }
            candidate += 1
        }
        return nil
    }

    /// The gateway row of a subnet, if any.
    func gateway(ofSubnet subnetID: Int) -> AddressRow? {
        addresses.values.first { $0.subnetID == subnetID && $0.isGateway }
    }

    // MARK: - Users and tokens

    /// The index of the user holding `token` (valid or not).
    func userIndex(holding token: String) -> Int? {
        users.firstIndex { $0.token == token }
    }

    /// Whether `ip` has more than 10 failed logins within the last 5 minutes.
    func isBlocked(_ ip: String, now: Date) -> Bool {
        let recent = loginFailures[ip, default: []].filter { now.timeIntervalSince($0) < Self.loginBlockWindow }
        return recent.count > Self.loginBlockThreshold
    }

    mutating func recordLoginFailure(from ip: String, now: Date) {
        var failures = loginFailures[ip, default: []].filter { now.timeIntervalSince($0) < Self.loginBlockWindow }
        failures.append(now)
        loginFailures[ip] = failures
    }

    /// Moves a user's token expiry to now + 6 h; phpIPAM writes it at most once a minute.
    mutating func extendToken(ofUser index: Int, now: Date) {
        let target = now.addingTimeInterval(Self.tokenLifetime)
        if let current = users[index].tokenValidUntil, target.timeIntervalSince(current) < 60 { return }
        users[index].tokenValidUntil = target
    }
}
