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
/// Each allocation is one phpIPAM address row in one of the zone's mapped subnets; ``PhpIPAMRowMarking``
/// says exactly what the backend writes into it. A zone may list IPv4 and IPv6 subnets (by id) and mix
/// them (dual stack): an owner then holds one row of each family, found by the same marking.
///
/// - Reservations in one subnet are serialised inside the process; different subnets and lookups run
///   concurrently. Calls for one owner are serialised, so concurrent reserves never make two rows of a family.
/// - A new owner costs two requests per family: `POST first_free`, then one `search_hostname` that also
///   finds a row made for the same owner before a restart or by another process. Of two rows of one family
///   for one owner the oldest (lowest id) is kept and the other deleted at once (it was never handed to
///   anyone), so every process settles on the same one. Subnet metadata (prefix, gateway) is read once and cached.
/// - Addresses that must never reach a node (see ``PhpIPAMSubnet/mustNotHandOut(_:)``) are kept out by a
///   reserved row whatever `first_free` offers: on an empty IPv6 subnet phpIPAM offers the subnet address
///   itself, which costs the first reservation in that subnet one `PATCH` and one `POST` more.
/// - Released addresses are held back for ``releaseCooldown``: the row is re-marked as cooling down instead
///   of deleted, so `first_free` cannot offer it; it is deleted once the cool-down has ended, by the next
///   ``allocations()`` pass or by a reserve that finds the zone full.
/// - Rows the original controller wrote (owner `<node>\n`, no hostname) are taken over in place by
///   ``adoptLegacyAllocation(_:address:)``.
public final class PhpIPAMBackend: IPAMBackend {
    /// The configuration the backend was opened with.
    public let configuration: PhpIPAMConfiguration
    /// The cluster whose allocations this backend lists.
    public let clusterID: String
    /// How long a released address is held back before phpIPAM may hand it out again.
    public let releaseCooldown: Duration
    private let connection: PhpIPAMConnection
    private let logger: Logger
    private let marking: PhpIPAMRowMarking
    private let now: @Sendable () -> Date
    private let subnetLocks = KeyedAsyncLock<Int>()
    private let ownerLocks = KeyedAsyncLock<IPAMOwner>()
    private let cache = Mutex(PhpIPAMCache())
    private let mappedSubnetIDs: Set<Int>
    /// Every mapped subnet id once, in configuration order.
    private let orderedSubnetIDs: [Int]

    /// Opens the backend: reads the credentials and prepares the HTTP client. No request is sent yet, so a
    /// phpIPAM that is down at start does not prevent it.
    ///
    /// - Parameters:
    ///   - environment: Where ``PhpIPAMCredentials/environment`` credentials are read (the process environment).
    ///   - now: The wall clock, for token renewal and cool-downs.
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
        releaseCooldown = max(.zero, configuration.releaseCooldown)
        self.logger = logger
        self.now = now
        marking = PhpIPAMRowMarking(clusterID: clusterID, ownerField: configuration.ownerField)
        connection = PhpIPAMConnection(http: http, apiBase: base, session: session)
        mappedSubnetIDs = Set(configuration.subnetMap.flatMap(\.subnetIDs))
        var seen: Set<Int> = []
        orderedSubnetIDs = configuration.subnetMap.flatMap(\.subnetIDs).filter { seen.insert($0).inserted }
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

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        zoneFamilies(try await subnets(inZone: zone).map(\.prefix.family))
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        let zoneSubnets = try await subnets(inZone: zone)
        let families = zoneFamilies(zoneSubnets.map(\.prefix.family))
        guard families.contains(family) else { throw IPAMError.familyNotInZone(zone: zone, family: family, families: families) }
        let candidates = zoneSubnets.filter { $0.prefix.family == family }
        return try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> IPAllocation in
            if let cached = try await cachedAllocationStillHeld(owner, family: family) { return cached }
            var tried: [String] = []
            for attempt in 1...2 {
                tried = []
                for subnet in candidates {
                    tried.append("\(subnet.prefix) (phpIPAM subnet \(subnet.id))")
                    guard let created = try await createUsableFirstFree(for: owner, in: subnet) else { continue }
                    // One lookup finds a row made for the same owner before a restart or by another process.
                    let rows = try await rows(of: owner)
                    return try await settle(owner, family: family, rows: rows.contains { $0.id == created.id } ? rows : rows + [created])
                }
                // The family's subnets are full. The owner may hold a row already (made before a restart);
                // otherwise delete this cluster's rows whose cool-down has ended and try once more.
                let held = try await rows(of: owner).filter { $0.ip.family == family }
                if !held.isEmpty { return try await settle(owner, family: family, rows: held) }
                if attempt == 1 {
                    var freed = 0
                    for subnet in candidates { freed += try await deleteEndedCoolDowns(inSubnet: subnet.id) }
                    if freed == 0 { break }
                }
            }
            throw IPAMError.zoneExhausted(zone: zone, subnets: tried)
        }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        let subnet = try await mappedSubnet(containing: address)
        if subnet.mustNotHandOut(address) {
            throw IPAMError.rejected(
                "\(address) is the network, broadcast, subnet-router or gateway address of \(subnet.prefix) and is never handed out")
        }
        return try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> IPAllocation in
            let held = try await rows(of: owner)
            if let row = held.first(where: { $0.ip == address }) {
                return try await remember(owner, row: row)
            }
            if let other = held.filter({ $0.ip.family == address.family }).min(by: { $0.id < $1.id }) {
                throw IPAMError.rejected("\(owner) already holds \(other.ip), not \(address); release it first")
            }
            let answer = try await subnetLocks.withLock(subnet.id) { () async throws(IPAMError) -> PhpIPAMAnswer in
                var parameters = marking.ownedFields(for: owner)
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
                    id: id, subnetID: subnet.id, ip: address, hostname: owner.nodeName, fields: marking.ownedFields(for: owner))
                return try await remember(owner, row: row)
            case 409:
                let row = try await self.row(at: address, in: subnet.id)
                if let row, case .coolingDown = marking.classify(row) {
                    // Our own released address, still held back: the cluster records it for this owner, so
                    // it goes back to the owner (as a reclaim of a cooling address does in the local backend).
                    try await mark(row, with: marking.ownedFields(for: owner))
                    logger.info("re-claimed a cooling-down address", metadata: ["owner": "\(owner)", "address": "\(address)"])
                    return try await remember(owner, row: row)
                }
                throw IPAMError.addressHeld(address, by: row.flatMap(holder(of:)))
            case 500 where answer.message?.contains("is not a valid address for subnet") == true:
                throw IPAMError.rejected("phpIPAM refuses \(address) in subnet \(subnet.prefix): \(answer.message ?? "")")
            default:
                throw PhpIPAMErrorMapping.map(answer.failure)
            }
        }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await ownerLocks.withLock(owner) { () async throws(IPAMError) in
            // Every family: a dual-stack owner's two rows, or whatever part a crash left.
            for row in try await rows(of: owner) {
                try await retire(row, of: owner)
            }
            cache.withLock { $0.owners[owner] = nil }
        }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> [IPAllocation] in
            let rows = try await rows(of: owner)
            var allocations: [IPAllocation] = []
            for family in [IPAddressFamily.v4, .v6] {
                // The oldest row of each family: the one every process keeps.
                guard let oldest = rows.filter({ $0.ip.family == family }).min(by: { $0.id < $1.id }) else {
                    cache.withLock { $0.owners[owner]?[family] = nil }
                    continue
                }
                allocations.append(try await remember(owner, row: oldest))
            }
            return allocations.sorted { $0.address < $1.address }
        }
    }

    /// This cluster's allocations: one filtered listing per mapped subnet. Rows whose cool-down has ended
    /// are deleted on the way (the listing already holds them), so each recovery pass also frees those
    /// addresses; a failed delete (e.g. a read-only app in `overlay-ipam check`) is logged, not thrown.
    public func allocations() async throws -> [IPAllocation] {
        let results = await withTaskGroup(of: Result<[IPAllocation], IPAMError>.self) { group in
            for subnetID in mappedSubnetIDs {
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

    /// Usage per subnet, in configuration order; a subnet several zones share is counted once, under all
    /// their names joined with commas (`dal10,dal12`). `assignable` saturates at `Int.max` for subnets with
    /// more hosts than that (an IPv6 /64): such a subnet reports `Int.max` and never overflows.
    public func usage() async throws -> [SubnetUsage] {
        var usages: [SubnetUsage] = []
        let instant = now()
        for subnetID in orderedSubnetIDs {
            let subnet = try await subnet(subnetID)
            let rows = try await listRows(PhpIPAMPath.subnetAddresses(subnetID))
            let kept = rows.filter { $0.isGateway || $0.fields["tag"] == PhpIPAMRowMarking.reservedTag }
            // Only kept rows between the first and last host reduce the hosts (the IPv6 subnet address is no host).
            let excluded = kept.filter { subnet.prefix.firstHost <= $0.ip && $0.ip <= subnet.prefix.lastHost }.count
            let cooling = rows.filter { row in
                guard case .coolingDown(let until) = marking.classify(row) else { return false }
                return until.map { $0 > instant } ?? true
            }.count
            let zones = configuration.subnetMap.filter { $0.subnetIDs.contains(subnetID) }.map(\.zone)
            // IPPrefix.hostCount saturates at Int.max (an IPv6 /64 has 2^64 - 1 hosts); a saturated count stays
            // Int.max rather than pretending to an exact figure.
            let hosts = subnet.prefix.hostCount
            usages.append(SubnetUsage(
                zone: zones.joined(separator: ","), subnet: subnet.prefix, gateway: subnet.gateway,
                assignable: hosts == Int.max ? hosts : hosts - excluded, used: rows.count - kept.count - cooling,
                coolingDown: cooling))
        }
        return usages
    }

    /// The zones whose `subnetMap` lists a phpIPAM subnet with this prefix (described once, then cached).
    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        var zones: [String] = []
        for zone in configuration.subnetMap {
            for id in zone.subnetIDs {
                guard try await self.subnet(id).prefix == subnet else { continue }
                zones.append(zone.zone)
                break
            }
        }
        return zones
    }

    public func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? {
        let subnet = try await mappedSubnet(containing: address)
        return try await ownerLocks.withLock(owner) { () async throws(IPAMError) -> AdoptedAllocation? in
            guard let row = try await row(at: address, in: subnet.id), case .legacy(let recordedOwner) = marking.classify(row),
                LegacyAllocation.nodeName(fromRecordedOwner: recordedOwner) == owner.nodeName
            else { return nil }
            try await mark(row, with: marking.ownedFields(for: owner))
            let allocation = try await remember(owner, row: row)
            logger.notice(
                "adopted the original controller's phpIPAM row",
                metadata: ["owner": "\(owner)", "address": "\(address)", "row": "\(row.id)", "previousOwner": "\(recordedOwner.debugDescription)"])
            return AdoptedAllocation(allocation: allocation, previousOwner: recordedOwner, location: "phpIPAM address \(row.id)")
        }
    }

    public func legacyAllocations() async throws -> [LegacyAllocation] {
        var found: [LegacyAllocation] = []
        for subnetID in mappedSubnetIDs.sorted() {
            let subnet = try await subnet(subnetID)
            for row in try await listRows(PhpIPAMPath.subnetAddresses(subnetID)) {
                guard case .legacy(let recordedOwner) = marking.classify(row) else { continue }
                found.append(LegacyAllocation(
                    address: row.ip, subnet: subnet.prefix, zone: zoneName(ofSubnet: subnetID), recordedOwner: recordedOwner,
                    location: "phpIPAM address \(row.id)"))
            }
        }
        return found.sorted { $0.address < $1.address }
    }

    // MARK: - Owner rows

    /// The owner's rows in the mapped subnets, of every family: one `search_hostname` for every subnet, then
    /// only rows marked as this cluster's allocation. A row at an address that is never handed out (left by a
    /// crash between `first_free` and re-marking it) is re-marked as a kept-out row instead of returned.
    private func rows(of owner: IPAMOwner) async throws(IPAMError) -> [PhpIPAMAddressRecord] {
        let rows = try await listRows(PhpIPAMPath.searchHostname(owner.nodeName))
        var owned: [PhpIPAMAddressRecord] = []
        for row in rows where mappedSubnetIDs.contains(row.subnetID) && marking.isOwned(row, by: owner) {
            let subnet = try await subnet(row.subnetID)
            guard subnet.mustNotHandOut(row.ip) else {
                owned.append(row)
                continue
            }
            try await keepOut(row, of: subnet)
        }
        return owned
    }

    /// Keeps the oldest of the owner's rows of `family` (lowest id: the one every process keeps), deletes the
    /// other rows of that family at once (never handed to anyone), caches and returns the kept allocation.
    /// Rows of the other family are left alone.
    private func settle(_ owner: IPAMOwner, family: IPAddressFamily, rows: [PhpIPAMAddressRecord]) async throws(IPAMError) -> IPAllocation {
        var seen: Set<Int> = []
        let sorted = rows.filter { $0.ip.family == family }.sorted { $0.id < $1.id }.filter { seen.insert($0.id).inserted }
        guard let keep = sorted.first else {
            throw IPAMError.backendUnavailable("the \(family) address just reserved for \(owner) disappeared; retry")
        }
        for extra in sorted.dropFirst() {
            logger.warning(
                "owner held more than one phpIPAM address (a concurrent reserve or one from before a restart); deleting the newer one",
                metadata: ["owner": "\(owner)", "kept": "\(keep.ip)", "deleted": "\(extra.ip)"])
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
        cache.withLock { $0.owners[owner, default: [:]][row.ip.family] = PhpIPAMCache.OwnerEntry(rowID: row.id, allocation: allocation) }
        return allocation
    }

    /// The cached allocation of `family` if its row still exists and still belongs to the owner (one round trip).
    private func cachedAllocationStillHeld(_ owner: IPAMOwner, family: IPAddressFamily) async throws(IPAMError) -> IPAllocation? {
        guard let entry = cache.withLock({ $0.owners[owner]?[family] }) else { return nil }
        let answer = try await connection.call(.get, PhpIPAMPath.address(entry.rowID))
        if answer.status == 404 || answer.status == 400 {
            cache.withLock { $0.owners[owner]?[family] = nil }
            return nil
        }
        let row = try answer.payload(PhpIPAMAddressRecord.self)
        guard marking.isOwned(row, by: owner), row.ip == entry.allocation.address else {
            cache.withLock { $0.owners[owner]?[family] = nil }
            return nil
        }
        return entry.allocation
    }

    /// Releases one row: marks it as cooling down (or deletes it when there is no cool-down).
    private func retire(_ row: PhpIPAMAddressRecord, of owner: IPAMOwner) async throws(IPAMError) {
        guard releaseCooldown > .zero else {
            try await delete(row)
            logger.info("released overlay address", metadata: ["owner": "\(owner)", "address": "\(row.ip)"])
            return
        }
        let until = now().addingTimeInterval(Self.seconds(releaseCooldown))
        try await mark(row, with: marking.coolingDownFields(until: until))
        logger.info(
            "released overlay address; phpIPAM keeps the row until the cool-down ends",
            metadata: ["owner": "\(owner)", "address": "\(row.ip)", "until": "\(PhpIPAMRowMarking.formatInstant(until))"])
    }

    /// Deletes this cluster's rows in the subnet whose cool-down has ended; returns how many.
    private func deleteEndedCoolDowns(inSubnet subnetID: Int) async throws(IPAMError) -> Int {
        let rows = try await listRows(PhpIPAMPath.subnetAddresses(subnetID, filterBy: configuration.ownerField, value: clusterID))
        return try await deleteEndedCoolDowns(rows)
    }

    private func deleteEndedCoolDowns(_ rows: [PhpIPAMAddressRecord]) async throws(IPAMError) -> Int {
        let instant = now()
        var deleted = 0
        for row in rows {
            guard case .coolingDown(let until?) = marking.classify(row), until <= instant else { continue }
            try await delete(row)
            logger.debug("cool-down ended; deleted the phpIPAM row", metadata: ["address": "\(row.ip)"])
            deleted += 1
        }
        return deleted
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    // MARK: - Requests

    /// A new row for `owner` at an address that may be handed out, or nil when the subnet is full.
    ///
    /// phpIPAM's `first_free` offers the IPv6 subnet address itself on an empty subnet (the subnet-router
    /// anycast address). Such a row is re-marked as a kept-out row (``PhpIPAMRowMarking/keptOutFields()``),
    /// which phpIPAM then skips, and `first_free` is asked again: one `PATCH` and one `POST` more, once per
    /// subnet. Each retry keeps one more address out, so the few never-handed-out addresses end the loop.
    private func createUsableFirstFree(for owner: IPAMOwner, in subnet: PhpIPAMSubnet) async throws(IPAMError) -> PhpIPAMAddressRecord? {
        for _ in 0..<Self.maxKeptOutPerSubnet {
            guard let created = try await createFirstFree(for: owner, in: subnet) else { return nil }
            guard subnet.mustNotHandOut(created.ip) else { return created }
            try await keepOut(created, of: subnet)
        }
        throw IPAMError.backendUnavailable(
            "phpIPAM subnet \(subnet.id) (\(subnet.prefix)) kept offering addresses that are never handed out from first_free; check its rows")
    }

    /// More than the network, broadcast, subnet-router and gateway addresses a subnet can offer.
    private static let maxKeptOutPerSubnet = 5

    /// Re-marks a row at an address that is never handed out as this cluster's kept-out row.
    private func keepOut(_ row: PhpIPAMAddressRecord, of subnet: PhpIPAMSubnet) async throws(IPAMError) {
        try await mark(row, with: marking.keptOutFields())
        logger.info(
            "phpIPAM offered an address that is never handed out; a reserved row now keeps it out",
            metadata: ["address": "\(row.ip)", "subnet": "\(subnet.prefix)", "row": "\(row.id)"])
    }

    /// `POST /addresses/first_free/{id}/` under the subnet's lock; nil when the subnet is full.
    private func createFirstFree(for owner: IPAMOwner, in subnet: PhpIPAMSubnet) async throws(IPAMError) -> PhpIPAMAddressRecord? {
        let parameters = marking.ownedFields(for: owner)
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

    /// `PATCH /addresses/{id}/` with `fields`.
    private func mark(_ row: PhpIPAMAddressRecord, with fields: [String: String]) async throws(IPAMError) {
        let answer = try await connection.call(.patch, PhpIPAMPath.address(row.id), parameters: fields)
        if answer.status == 404 {
            throw IPAMError.backendUnavailable("phpIPAM address \(row.id) (\(row.ip)) disappeared while it was being updated; retry")
        }
        _ = try answer.requireSuccess()
    }

    /// `DELETE /addresses/{id}/`; 404 means someone released it already.
    private func delete(_ row: PhpIPAMAddressRecord) async throws(IPAMError) {
        let answer = try await connection.call(.delete, PhpIPAMPath.address(row.id))
        if answer.status == 404 { return }
        _ = try answer.requireSuccess()
    }

    /// The row holding `address` in the subnet, if any (`GET /subnets/{id}/addresses/{ip}/`).
    private func row(at address: IPAddress, in subnetID: Int) async throws(IPAMError) -> PhpIPAMAddressRecord? {
        try await listRows(PhpIPAMPath.subnetAddress(subnetID, ip: address.description)).first { $0.ip == address }
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
        do {
            _ = try await deleteEndedCoolDowns(rows)
        } catch {
            // Housekeeping only (the rows' addresses are free by now): a read-only app or a hiccup must
            // not fail the listing; the next pass or a reserve in a full zone tries again.
            logger.notice("could not delete phpIPAM rows whose cool-down ended", metadata: ["subnet": "\(subnetID)", "error": "\(error)"])
        }
        let zone = zoneName(ofSubnet: subnetID)
        return rows.compactMap { row -> IPAllocation? in
            // A row at a never-handed-out address is no allocation (a crash before it was kept out; the owner's
            // next reserve or release re-marks it).
            guard case .owned(let nodeName) = marking.classify(row), !subnet.mustNotHandOut(row.ip) else { return nil }
            return IPAllocation(
                owner: IPAMOwner(clusterID: clusterID, nodeName: nodeName), address: row.ip, prefixLength: subnet.prefix.length,
                gateway: subnet.gateway, subnet: subnet.prefix, zone: zone)
        }
    }

    /// Who holds a row according to phpIPAM, when the row says (owner field and hostname), to name the
    /// holder in ``IPAMError/addressHeld(_:by:)``.
    private func holder(of row: PhpIPAMAddressRecord) -> IPAMOwner? {
        guard let cluster = row.fields[configuration.ownerField], !cluster.isEmpty, let hostname = row.hostname, !hostname.isEmpty
        else { return nil }
        return IPAMOwner(clusterID: cluster, nodeName: hostname)
    }

    // MARK: - Subnets

    /// The subnet's prefix and gateway, from the cache or `GET /subnets/{id}/`.
    ///
    /// Concurrent callers share one request (many new nodes at once would otherwise each ask).
    private func subnet(_ id: Int) async throws(IPAMError) -> PhpIPAMSubnet {
        let fetch = cache.withLock { cache -> Task<Result<PhpIPAMSubnet, IPAMError>, Never>? in
            if cache.subnets[id] != nil { return nil }
            if let pending = cache.subnetFetches[id] { return pending }
            let task = Task { () -> Result<PhpIPAMSubnet, IPAMError> in
                do throws(IPAMError) { return .success(try await self.fetchSubnet(id)) } catch { return .failure(error) }
            }
            cache.subnetFetches[id] = task
            return task
        }
        guard let fetch else {
            if let cached = cache.withLock({ $0.subnets[id] }) { return cached }
            return try await subnet(id)
        }
        let result = await fetch.value
        cache.withLock { cache in
            if case .success(let subnet) = result { cache.subnets[id] = subnet }
            if cache.subnetFetches[id] == fetch { cache.subnetFetches[id] = nil }
        }
        return try result.get()
    }

    private func fetchSubnet(_ id: Int) async throws(IPAMError) -> PhpIPAMSubnet {
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
        return PhpIPAMSubnet(id: id, prefix: record.prefix, gateway: gateway)
    }

    /// The zone's subnets in configuration order (described once, then cached).
    private func subnets(inZone zone: String) async throws -> [PhpIPAMSubnet] {
        var subnets: [PhpIPAMSubnet] = []
        for id in try configuration.subnetIDs(inZone: zone) { subnets.append(try await subnet(id)) }
        return subnets
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

    /// Whether `address` must never reach a node, whatever phpIPAM offers: outside the subnet, the IPv4
    /// network or broadcast address, the IPv6 subnet-router anycast address (the subnet address, below /127),
    /// or the gateway. Compared as addresses, never as text.
    func mustNotHandOut(_ address: IPAddress) -> Bool {
        !prefix.contains(address) || address < prefix.firstHost || address > prefix.lastHost || address == gateway
    }
}

/// What the backend remembers between calls.
struct PhpIPAMCache: Sendable {
    struct OwnerEntry: Sendable {
        var rowID: Int
        var allocation: IPAllocation
    }

    var subnets: [Int: PhpIPAMSubnet] = [:]
    /// Subnet descriptions being fetched, shared by concurrent callers.
    var subnetFetches: [Int: Task<Result<PhpIPAMSubnet, IPAMError>, Never>] = [:]
    /// The owner's allocation of each family it holds.
    var owners: [IPAMOwner: [IPAddressFamily: OwnerEntry]] = [:]
}
