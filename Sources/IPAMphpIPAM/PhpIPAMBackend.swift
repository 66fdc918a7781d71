// The IPAM backend on phpIPAM's REST API: reserve, reclaim, release and list this cluster's overlay addresses.
import FoundationEssentials
import FoundationExtras
import HTTP
import IPAddressing
import IPAMCore
import Logging
import Synchronization

/// An ``IPAMBackend`` that keeps allocations in a phpIPAM server (v1.8 REST API).
///
/// Each allocation is one phpIPAM address row in one of the zone's mapped subnets, with `hostname` = the node
/// name and the configured owner field (`owner`, or a custom field such as `custom_cluster`) = the cluster id.
///
/// - Reservations in one subnet are serialised inside the process (phpIPAM's `first_free` hands the same
///   address to parallel callers of one client only through its app lock); different subnets and lookups
///   run concurrently. Calls for one owner are serialised, so concurrent reserves never make two rows.
/// - Subnet metadata (prefix, gateway) and each owner's allocation are cached: a repeated reserve costs one
///   round trip (a check that the row still exists), a new owner a lookup, the create and a race check.
/// - A race with another process (two rows for one owner) is settled by keeping the lowest address and
///   deleting the others.
public final class PhpIPAMBackend: IPAMBackend {
    /// The configuration the backend was opened with.
    public let configuration: PhpIPAMConfiguration
    /// The cluster whose allocations this backend lists.
    public let clusterID: String
    private let connection: PhpIPAMConnection
    private let logger: Logger
    private let subnetLocks = KeyedAsyncLock<Int>()
    private let ownerLocks = KeyedAsyncLock<IPAMOwner>()
    private let cache = Mutex(PhpIPAMCache())
    private let mappedSubnetIDs: Set<Int>

    /// Opens the backend: reads the credentials and prepares the HTTP client. No request is sent yet, so a
    /// phpIPAM that is down at start does not prevent it.
    ///
    /// - Parameters:
    ///   - environment: Where ``PhpIPAMCredentials/environment`` credentials are read (the process environment).
    ///   - now: The wall clock, for renewing the token before the `expires` phpIPAM announced.
    /// - Throws: ``IPAMError/invalidConfiguration(_:)`` for an unusable URL or unreadable credentials.
    public init(
        configuration: PhpIPAMConfiguration, clusterID: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Date = { Date() }
    ) async throws {
        let base = try Self.apiBase(url: configuration.url, appID: configuration.appID)
        let secrets = try PhpIPAMSecrets.load(configuration.credentials, environment: environment)
        var logger = logger
        logger[metadataKey: "phpipam"] = "\(base)"
        if configuration.insecureSkipTLSVerify {
            logger.warning(
                "phpIPAM TLS certificate verification is OFF (ipam.phpipam.insecureSkipTLSVerify); anyone on the path can read the credentials and change answers. Set caFile instead.")
        }
        let tls = TLSConfiguration(
            certificateAuthority: configuration.caFile.map { .file($0) }, insecureSkipVerify: configuration.insecureSkipTLSVerify)
        let connectTimeout = min(configuration.requestTimeout, .seconds(10))
        let http = HTTPClient(
            configuration: .init(tls: tls, connectTimeout: connectTimeout, requestTimeout: configuration.requestTimeout),
            logger: logger)
        let session = PhpIPAMSession(http: http, apiBase: base, secrets: secrets, logger: logger, now: now)
        self.configuration = configuration
        self.clusterID = clusterID
        self.logger = logger
        connection = PhpIPAMConnection(http: http, apiBase: base, session: session)
        mappedSubnetIDs = Set(configuration.subnetMap.flatMap(\.subnetIDs))
    }

    /// `{url}/api/{appID}`, refusing URLs that are not http(s).
    static func apiBase(url: String, appID: String) throws(IPAMError) -> String {
        var base = url.trimmingWhitespace()
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/api") { base.removeLast(4) }
        let lowered = base.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), base.count > 8 else {
            throw .invalidConfiguration("ipam.phpipam.url: \(url) is not an http:// or https:// URL of a phpIPAM server")
        }
        guard !appID.isEmpty else { throw .invalidConfiguration("ipam.phpipam.appID is empty; set the phpIPAM API app id") }
        return "\(base)/api/\(PhpIPAMPath.encode(appID))"
    }

    // MARK: - IPAMBackend

    public func reserve(_ owner: IPAMOwner, zone: String) async throws -> IPAllocation {
        let subnetIDs = try configuration.subnetIDs(inZone: zone)
        return try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> IPAllocation in
            if let cached = try await cachedAllocationStillHeld(owner) { return cached }
            let held = try await rows(of: owner)
            if !held.isEmpty { return try await settle(owner, rows: held) }
            var tried: [String] = []
            for subnetID in subnetIDs {
                let subnet = try await subnet(subnetID)
                tried.append("\(subnet.prefix) (phpIPAM subnet \(subnetID))")
                guard let created = try await createFirstFree(for: owner, in: subnet) else { continue }
                // Another process may have reserved for the same owner meanwhile: look again, keep the lowest.
                let after = try await rows(of: owner)
                return try await settle(owner, rows: after.contains { $0.id == created.id } ? after : after + [created])
            }
            throw IPAMError.zoneExhausted(zone: zone, subnets: tried)
        }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        let subnet = try await mappedSubnet(containing: address)
        return try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> IPAllocation in
            let held = try await rows(of: owner)
            if let row = held.first(where: { $0.ip == address }) {
                return try await remember(owner, row: row)
            }
            let answer = try await subnetLocks.withLock(subnet.id) { () async throws(IPAMError) -> PhpIPAMAnswer in
                var parameters = markerParameters(for: owner)
                parameters["subnetId"] = String(subnet.id)
                parameters["ip"] = address.description
                return try await connection.call(.post, PhpIPAMPath.addresses(), parameters: parameters)
            }
            switch answer.status {
            case 200..<300:
                guard let id = try answer.requireSuccess().id else {
                    throw IPAMError.backendUnavailable("\(answer.step) created \(address) but answered without its id")
                }
                let row = PhpIPAMAddressRecord(
                    id: id, subnetID: subnet.id, ip: address, hostname: owner.nodeName, fields: markerParameters(for: owner))
                return try await remember(owner, row: row)
            case 409:
                throw IPAMError.addressHeld(address, by: try await holder(of: address, in: subnet.id))
            case 500 where answer.message?.contains("is not a valid address for subnet") == true:
                throw IPAMError.rejected("phpIPAM refuses \(address) in subnet \(subnet.prefix): \(answer.message ?? "")")
            default:
                throw PhpIPAMErrorMapping.map(answer.failure)
            }
        }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await ownerLocks.withLock(owner) { () async throws(IPAMError) in
            for row in try await rows(of: owner) {
                try await delete(row)
            }
            cache.withLock { $0.owners[owner] = nil }
            logger.debug("released overlay address", metadata: ["owner": "\(owner)"])
        }
    }

    public func allocation(for owner: IPAMOwner) async throws -> IPAllocation? {
        try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> IPAllocation? in
            let held = try await rows(of: owner).sorted { $0.ip < $1.ip }
            guard let lowest = held.first else {
                cache.withLock { $0.owners[owner] = nil }
                return nil
            }
            return try await remember(owner, row: lowest)
        }
    }

    public func allocations() async throws -> [IPAllocation] {
        let subnetIDs = configuration.subnetMap.flatMap(\.subnetIDs)
        let results = await withTaskGroup(of: Result<[IPAllocation], IPAMError>.self) { group in
            for subnetID in Set(subnetIDs) {
                group.addTask {
                    do throws(IPAMError) {
                        return .success(try await self.clusterAllocations(inSubnet: subnetID))
                    } catch {
                        return .failure(error)
                    }
                }
            }
            return await group.reduce(into: [Result<[IPAllocation], IPAMError>]()) { $0.append($1) }
        }
        var all: [IPAllocation] = []
        for result in results { all += try result.get() }
        return all.sorted { ($0.address, $0.owner.nodeName) < ($1.address, $1.owner.nodeName) }
    }

    public func usage() async throws -> [SubnetUsage] {
        var usages: [SubnetUsage] = []
        for zone in configuration.subnetMap {
            for subnetID in zone.subnetIDs {
                let subnet = try await subnet(subnetID)
                let rows = try await listRows(PhpIPAMPath.subnetAddresses(subnetID))
                let excluded = rows.filter { $0.isGateway || $0.fields["tag"] == "3" }.count
                usages.append(SubnetUsage(
                    zone: zone.zone, subnet: subnet.prefix, gateway: subnet.gateway, assignable: subnet.prefix.hostCount - excluded,
                    used: rows.count - excluded, coolingDown: 0))
            }
        }
        return usages
    }

    // MARK: - Owner rows

    /// The owner's rows in the mapped subnets: `search_hostname` (one round trip for every subnet), then
    /// only rows whose owner field names the owner's cluster.
    private func rows(of owner: IPAMOwner) async throws(IPAMError) -> [PhpIPAMAddressRecord] {
        let rows = try await listRows(PhpIPAMPath.searchHostname(owner.nodeName))
        return rows.filter { mappedSubnetIDs.contains($0.subnetID) && belongs($0, to: owner) }
    }

    private func belongs(_ row: PhpIPAMAddressRecord, to owner: IPAMOwner) -> Bool {
        row.fields[configuration.ownerField] == owner.clusterID && row.hostname?.lowercased() == owner.nodeName.lowercased()
    }

    /// Keeps the lowest of the owner's rows, deletes the others, caches and returns the kept allocation.
    private func settle(_ owner: IPAMOwner, rows: [PhpIPAMAddressRecord]) async throws(IPAMError) -> IPAllocation {
        var seen: Set<Int> = []
        let sorted = rows.sorted { ($0.ip, $0.id) < ($1.ip, $1.id) }.filter { seen.insert($0.id).inserted }
        guard let keep = sorted.first else {
            throw IPAMError.backendUnavailable("the address just reserved for \(owner) disappeared; retry")
        }
        for extra in sorted.dropFirst() {
            logger.warning(
                "owner held more than one phpIPAM address (a concurrent reserve); releasing the higher one",
                metadata: ["owner": "\(owner)", "kept": "\(keep.ip)", "released": "\(extra.ip)"])
            try await delete(extra)
        }
        return try await remember(owner, row: keep)
    }

    /// Caches and returns the allocation a row stands for.
    private func remember(_ owner: IPAMOwner, row: PhpIPAMAddressRecord) async throws(IPAMError) -> IPAllocation {
        let subnet = try await subnet(row.subnetID)
        let allocation = IPAllocation(
            owner: owner, address: row.ip, prefixLength: subnet.prefix.length, gateway: subnet.gateway,
            subnet: subnet.prefix, zone: zoneName(ofSubnet: row.subnetID))
        cache.withLock { $0.owners[owner] = PhpIPAMCache.OwnerEntry(rowID: row.id, allocation: allocation) }
        return allocation
    }

    /// The cached allocation if its row still exists and still belongs to the owner (one round trip).
    private func cachedAllocationStillHeld(_ owner: IPAMOwner) async throws(IPAMError) -> IPAllocation? {
        guard let entry = cache.withLock({ $0.owners[owner] }) else { return nil }
        let answer = try await connection.call(.get, PhpIPAMPath.address(entry.rowID))
        if answer.status == 404 || answer.status == 400 {
            cache.withLock { $0.owners[owner] = nil }
            return nil
        }
        let row = try answer.payload(PhpIPAMAddressRecord.self)
        guard belongs(row, to: owner), row.ip == entry.allocation.address else {
            cache.withLock { $0.owners[owner] = nil }
            return nil
        }
        return entry.allocation
    }

    // MARK: - Requests

    /// `POST /addresses/first_free/{id}/` under the subnet's lock; nil when the subnet is full.
    private func createFirstFree(for owner: IPAMOwner, in subnet: PhpIPAMSubnet) async throws(IPAMError) -> PhpIPAMAddressRecord? {
        let parameters = markerParameters(for: owner)
        let answer = try await subnetLocks.withLock(subnet.id) { () async throws(IPAMError) -> PhpIPAMAnswer in
            try await connection.call(.post, PhpIPAMPath.firstFree(subnet.id), parameters: parameters)
        }
        if answer.status == 404, answer.message?.hasPrefix("No free addresses found") == true {
            logger.debug("phpIPAM subnet full, trying the next", metadata: ["subnet": "\(subnet.prefix)", "answer": "\(answer.message ?? "")"])
            return nil
        }
        if answer.status == 400, answer.message == "Invalid subnet identifier" {
            throw IPAMError.invalidConfiguration(
                "\(subnetMapPath(subnet.id)): phpIPAM has no subnet \(subnet.id) (\(answer.message ?? "")); fix the subnet id")
        }
        let envelope = try answer.requireSuccess()
        let text = try answer.payload(String.self)
        guard let id = envelope.id, let ip = PhpIPAMAddressText.parse(text) else {
            throw IPAMError.backendUnavailable("\(answer.step) answered \(answer.status) without the new address id and IP")
        }
        logger.info("reserved overlay address", metadata: ["owner": "\(owner)", "address": "\(ip)", "subnet": "\(subnet.prefix)"])
        return PhpIPAMAddressRecord(id: id, subnetID: subnet.id, ip: ip, hostname: owner.nodeName, fields: parameters)
    }

    /// The body fields that mark a row as the owner's: hostname, owner field and a description.
    private func markerParameters(for owner: IPAMOwner) -> [String: String] {
        [
            "hostname": owner.nodeName,
            configuration.ownerField: owner.clusterID,
            // phpIPAM's description column is varchar(64); longer values fail the whole request.
            "description": String("overlay IP of \(owner.nodeName)".prefix(64)),
        ]
    }

    /// `DELETE /addresses/{id}/`; 404 means someone released it already.
    private func delete(_ row: PhpIPAMAddressRecord) async throws(IPAMError) {
        let answer = try await connection.call(.delete, PhpIPAMPath.address(row.id))
        if answer.status == 404 { return }
        _ = try answer.requireSuccess()
    }

    /// A list of rows; phpIPAM's "nothing found" 404s mean an empty list.
    private func listRows(_ path: String) async throws(IPAMError) -> [PhpIPAMAddressRecord] {
        let answer = try await connection.call(.get, path)
        if answer.status == 404, let message = answer.message,
            ["Hostname not found", "No results (filter applied)", "No addresses found", "Address not found"].contains(message)
        {
            return []
        }
        if answer.status == 404 || answer.status == 400, answer.message?.hasPrefix("Invalid subnet Id") == true {
            throw IPAMError.invalidConfiguration("ipam.phpipam.subnetMap: \(answer.failure.summary); fix the subnet id")
        }
        let list = try answer.payload(PhpIPAMAddressList.self)
        if list.skipped > 0 {
            logger.warning("skipped unreadable phpIPAM address rows", metadata: ["count": "\(list.skipped)", "request": "\(answer.step)"])
        }
        return list.rows
    }

    private func clusterAllocations(inSubnet subnetID: Int) async throws(IPAMError) -> [IPAllocation] {
        let subnet = try await subnet(subnetID)
        let rows = try await listRows(PhpIPAMPath.subnetAddresses(subnetID, filterBy: configuration.ownerField, value: clusterID))
        let zone = zoneName(ofSubnet: subnetID)
        return rows.compactMap { row -> IPAllocation? in
            guard row.fields[configuration.ownerField] == clusterID, let hostname = row.hostname, !hostname.isEmpty else {
                return nil
            }
            return IPAllocation(
                owner: IPAMOwner(clusterID: clusterID, nodeName: hostname), address: row.ip, prefixLength: subnet.prefix.length,
                gateway: subnet.gateway, subnet: subnet.prefix, zone: zone)
        }
    }

    /// Who holds `address` according to phpIPAM, when the row says (owner field and hostname).
    ///
    /// Best effort, only to name the holder in ``IPAMError/addressHeld(_:by:)``: a failed lookup gives nil.
    private func holder(of address: IPAddress, in subnetID: Int) async throws(IPAMError) -> IPAMOwner? {
        guard let rows = try? await listRows(PhpIPAMPath.subnetAddress(subnetID, ip: address.description)),
            let row = rows.first(where: { $0.ip == address }),
            let cluster = row.fields[configuration.ownerField], let hostname = row.hostname
        else { return nil }
        return IPAMOwner(clusterID: cluster, nodeName: hostname)
    }

    // MARK: - Subnets

    /// The subnet's prefix and gateway, from the cache or `GET /subnets/{id}/`.
    private func subnet(_ id: Int) async throws(IPAMError) -> PhpIPAMSubnet {
        if let cached = cache.withLock({ $0.subnets[id] }) { return cached }
        let answer = try await connection.call(.get, PhpIPAMPath.subnet(id))
        if answer.status == 400 || answer.status == 404 {
            throw IPAMError.invalidConfiguration(
                "\(subnetMapPath(id)) lists phpIPAM subnet \(id), which phpIPAM does not know (\(answer.message ?? "status \(answer.status)")); fix the subnet id")
        }
        let record = try answer.payload(PhpIPAMSubnetRecord.self)
        guard let gateway = record.gateway else {
            throw IPAMError.invalidConfiguration(
                "\(subnetMapPath(id)): phpIPAM subnet \(id) (\(record.prefix)) has no gateway; mark its gateway address with is_gateway in phpIPAM or remove the subnet from the map")
        }
        let subnet = PhpIPAMSubnet(id: id, prefix: record.prefix, gateway: gateway)
        cache.withLock { $0.subnets[id] = subnet }
        return subnet
    }

    private func mappedSubnet(containing address: IPAddress) async throws(IPAMError) -> PhpIPAMSubnet {
        for zone in configuration.subnetMap {
            for id in zone.subnetIDs {
                let subnet = try await subnet(id)
                if subnet.prefix.contains(address) { return subnet }
            }
        }
        throw IPAMError.addressOutsideZones(address)
    }

    private func zoneName(ofSubnet id: Int) -> String {
        configuration.subnetMap.first { $0.subnetIDs.contains(id) }?.zone ?? ""
    }

    private func subnetMapPath(_ id: Int) -> String {
        "ipam.phpipam.subnetMap.\(zoneName(ofSubnet: id))"
    }
}

/// A mapped subnet as the backend uses it.
struct PhpIPAMSubnet: Sendable, Equatable {
    var id: Int
    var prefix: IPPrefix
    var gateway: IPAddress
}

/// What the backend remembers between calls.
struct PhpIPAMCache: Sendable {
    struct OwnerEntry: Sendable {
        var rowID: Int
        var allocation: IPAllocation
    }

    var subnets: [Int: PhpIPAMSubnet] = [:]
    var owners: [IPAMOwner: OwnerEntry] = [:]
}
