// The IPAM backend on NetBox's REST API: batched atomic allocation, per-cluster listing, cool-down on release.
import FoundationEssentials
import HTTP
import IPAMCore
import IPAddressing
import Logging

/// An ``IPAMBackend`` that keeps allocations as IP address objects in NetBox (4.4 and later).
///
/// - Each allocation is one IP address in one of the zone's prefixes, marked with the configured tag, the
///   cluster id in the configured custom field and the node name as `dns_name` (see `NetBoxMarks`).
/// - Addresses come from `POST /api/ipam/prefixes/{id}/available-ips/`, which NetBox serialises with one
///   global lock, so two owners never get one address. Reservations waiting for the same prefix go out
///   together as one list POST (all or nothing: on 409 the backend asks how many are free and sends that
///   many, the rest spill over to the zone's next prefix).
/// - Reserve is idempotent per owner, also across crashes: the owner is first looked up in a listing of
///   the cluster's addresses (one paginated request for up to 1000 addresses, refreshed when older than
///   10 seconds or after a request whose outcome is unknown). Calls for one owner run one after another, so
///   a second concurrent reserve finds the first one's address without a request.
/// - Released addresses get status `deprecated` and the release time, so NetBox offers them to nobody; they
///   are deleted once ``NetBoxConfiguration/releaseCooldown`` is over (a zone whose only free addresses are
///   cooling stays exhausted until then).
/// - The prefix map is resolved on first use (prefix, gateway, populated ranges) and kept.
public actor NetBoxBackend: IPAMBackend {
    /// The configuration the backend was opened with.
    public nonisolated let configuration: NetBoxConfiguration
    /// The cluster whose allocations this backend lists.
    public nonisolated let clusterID: String

    /// A reservation waiting for its prefix's next list POST.
    private struct Pending {
        var owner: IPAMOwner
        var continuation: CheckedContinuation<Outcome, Never>
    }

    /// What one list POST did for one owner.
    private enum Outcome {
        case allocated(NetBoxAddressRecord)
        /// The prefix has no free address for it.
        case full
        /// The server offered an address that must never be handed out; it is now blocked, try again.
        case retry
        case failed(IPAMError)
    }

    /// The most reservations one list POST carries.
    static let maximumBatch = 100
    /// How old the cluster listing may be before a reserve or lookup lists again.
    static let listingMaximumAge: Duration = .seconds(10)

    private let connection: NetBoxConnection
    private let context: NetBoxErrorContext
    private let marks: NetBoxMarks
    private let logger: Logger
    private let now: @Sendable () -> Int64
    private let clock = ContinuousClock()

    private var prefixes: [NetBoxPrefix]?
    private var resolving: Task<Result<[NetBoxPrefix], IPAMError>, Never>?
    private var snapshot: NetBoxSnapshot?
    private var snapshotTakenAt: ContinuousClock.Instant?
    private var listing: Task<Result<NetBoxSnapshot, IPAMError>, Never>?
    /// Owners with a call running, each with the calls waiting behind it.
    private var ownerQueues: [IPAMOwner: [CheckedContinuation<Void, Never>]] = [:]
    /// Changes made while a listing runs, applied to its result (which may predate them).
    private var journal: [NetBoxSnapshot.Change]?
    private var queues: [Int: [Pending]] = [:]
    private var flushing: Set<Int> = []
    /// Tests waiting in ``waitUntilQueued(_:)``, each told every new count of queued reservations.
    private var queueWatchers: [AsyncStream<Int>.Continuation] = []

    /// Opens the backend: reads the token and prepares the HTTP client. No request is sent yet, so a NetBox
    /// that is down at start does not prevent it; the prefix map is resolved on first use.
    ///
    /// - Parameters:
    ///   - environment: Where ``NetBoxCredentials/environment`` reads `NETBOX_TOKEN` (the process environment).
    ///   - now: The wall clock in Unix seconds, for release times and cool-downs.
    /// - Throws: ``IPAMError/invalidConfiguration(_:)`` for an unreadable token.
    public init(
        configuration: NetBoxConfiguration, clusterID: String, logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    ) throws {
        let token = try NetBoxToken.load(configuration.credentials, environment: environment)
        var logger = logger
        logger[metadataKey: "netbox"] = "\(configuration.url)"
        if configuration.insecureSkipTLSVerify {
            logger.warning(
                "NetBox TLS certificate verification is OFF (ipam.netbox.insecureSkipTLSVerify); anyone on the path can read the token and change answers. Set caFile instead.")
        }
        let tls = TLSConfiguration(
            certificateAuthority: configuration.caFile.map { .file($0) }, insecureSkipVerify: configuration.insecureSkipTLSVerify,
            serverName: configuration.serverName)
        let http = HTTPClient(
            configuration: .init(
                tls: tls, connectTimeout: min(configuration.requestTimeout, .seconds(10)), requestTimeout: configuration.requestTimeout),
            logger: logger)
        self.configuration = configuration
        self.clusterID = clusterID
        self.logger = logger
        self.now = now
        connection = NetBoxConnection(
            http: http, apiBase: configuration.url + "/api", tokens: NetBoxTokenHolder(token, credentials: configuration.credentials))
        context = NetBoxErrorContext(
            tokenSource: token.source, tokenIsVersion2: token.isVersion2, url: configuration.url, tag: configuration.tag,
            clusterField: configuration.clusterField)
        marks = NetBoxMarks(tag: configuration.tag, clusterField: configuration.clusterField, clusterID: clusterID)
    }

    // MARK: - IPAMBackend

    public func families(inZone zone: String) async throws -> [IPAddressFamily] {
        _ = try configuration.zonePolicy.subnets(inZone: zone)
        let prefixes = try await resolvedPrefixes().filter { $0.zone == zone }
        // Reservations here take no family into account, so a zone mixing families is refused, never served wrongly.
        if let first = prefixes.first, let other = prefixes.first(where: { $0.prefix.family != first.prefix.family }) {
            throw IPAMError.invalidConfiguration(
                "\(other.path): NetBox prefix \(other.id) (\(other.prefix)) is \(other.prefix.family) but \(first.path) (\(first.prefix)) is "
                    + "\(first.prefix.family); the NetBox backend serves one address family per zone (no dual stack yet): "
                    + "map the \(other.prefix.family) prefixes to a zone of their own")
        }
        return zoneFamilies(prefixes.map(\.prefix.family))
    }

    public func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        let families = try await families(inZone: zone)
        guard families.contains(family) else { throw IPAMError.familyNotInZone(zone: zone, family: family, families: families) }
        return try await exclusively(owner) { () async throws(IPAMError) in try await performReserve(owner, zone: zone) }
    }

    public func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation {
        try await exclusively(owner) { () async throws(IPAMError) in try await performReclaim(owner, address: address) }
    }

    public func release(_ owner: IPAMOwner) async throws {
        try await exclusively(owner) { () async throws(IPAMError) in try await performRelease(owner) }
    }

    public func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] {
        try await exclusively(owner) { () async throws(IPAMError) -> [IPAllocation] in
            guard let held = try await currentSnapshot().address(of: owner) else { return [] }
            return [try await allocation(of: owner, record: held.record, prefixID: held.prefixID)]
        }
    }

    public func allocations() async throws -> [IPAllocation] {
        let snapshot = try await currentSnapshot(force: true)
        let prefixes = try await resolvedPrefixes()
        return snapshot.allHeld.compactMap { entry -> IPAllocation? in
            guard let prefix = prefixes.first(where: { $0.id == entry.prefixID }) else { return nil }
            return Self.allocation(of: entry.owner, address: entry.record.ip, in: prefix)
        }.sorted { ($0.address, $0.owner.nodeName) < ($1.address, $1.owner.nodeName) }
    }

    /// The zones of the configured prefixes equal to `subnet` (prefixes never overlap across zones, so at most one).
    public func zones(listing subnet: IPPrefix) async throws -> [String] {
        try await resolvedPrefixes().filter { $0.prefix == subnet }.map(\.zone)
    }

    public func usage() async throws -> [SubnetUsage] {
        let prefixes = try await resolvedPrefixes()
        let snapshot = try await currentSnapshot(force: true)
        var usages: [SubnetUsage] = []
        for prefix in prefixes {
            let records = try await list(
                "/ipam/ip-addresses/?parent=\(NetBoxConnection.queryValue(prefix.prefix.description))&limit=1000",
                context: context.about(prefix: prefix.path, NetBoxPrefixReference(.id(prefix.id))))
            let coolingIDs = Set(snapshot.cooling(in: [prefix.id]).map(\.record.id))
            // Reserved addresses (the operator's blocked ones included) are never handed out; any other object is in use.
            let inside = records.filter { prefix.refusal(for: $0.ip) == nil && !coolingIDs.contains($0.id) }
            let reserved = inside.filter { $0.status == "reserved" }.count
            usages.append(SubnetUsage(
                zone: prefix.zone, subnet: prefix.prefix, gateway: prefix.gateway, assignable: max(0, prefix.assignableCount - reserved),
                used: inside.count - reserved, coolingDown: coolingIDs.count))
        }
        return usages
    }

    // MARK: - One owner at a time

    /// Runs `body` once every earlier call for `owner` has finished, so one owner's calls never overlap
    /// (a second reserve then finds the first one's address in the listing without a request).
    private func exclusively<T: Sendable>(_ owner: IPAMOwner, _ body: () async throws(IPAMError) -> T) async throws(IPAMError) -> T {
        if ownerQueues[owner] == nil {
            ownerQueues[owner] = []
        } else {
            await withCheckedContinuation { continuation in ownerQueues[owner, default: []].append(continuation) }
        }
        defer {
            if var waiting = ownerQueues[owner], !waiting.isEmpty {
                let next = waiting.removeFirst()
                ownerQueues[owner] = waiting
                next.resume()
            } else {
                ownerQueues[owner] = nil
            }
        }
        return try await body()
    }

    // MARK: - Reserve

    private func performReserve(_ owner: IPAMOwner, zone: String) async throws(IPAMError) -> IPAllocation {
        let zonePrefixes = try await resolvedPrefixes().filter { $0.zone == zone }
        let snapshot = try await currentSnapshot()
        if let held = snapshot.address(of: owner) {
            return try await allocation(of: owner, record: held.record, prefixID: held.prefixID)
        }
        for prefix in zonePrefixes {
            if let allocation = try await reserve(owner, in: prefix) { return allocation }
        }
        if let allocation = try await reuseCoolingAddress(for: owner, in: zonePrefixes) { return allocation }
        throw IPAMError.zoneExhausted(zone: zone, subnets: zonePrefixes.map { "\($0.prefix) (NetBox prefix \($0.id))" })
    }

    /// One address for `owner` from `prefix` through the prefix's batch, or nil when the prefix is full.
    private func reserve(_ owner: IPAMOwner, in prefix: NetBoxPrefix) async throws(IPAMError) -> IPAllocation? {
        // Each retry follows an offered address the backend blocked; a prefix has only a few such addresses.
        for _ in 0..<8 {
            switch await enqueue(owner, in: prefix) {
            case .allocated(let record):
                logger.info("reserved overlay address", metadata: ["owner": "\(owner)", "address": "\(record.ip)", "prefix": "\(prefix.prefix)"])
                return Self.allocation(of: owner, address: record.ip, in: prefix)
            case .full:
                return nil
            case .retry:
                continue
            case .failed(let error):
                throw error
            }
        }
        throw IPAMError.backendUnavailable("NetBox kept offering addresses of \(prefix.prefix) that are never handed out; retry")
    }

    /// When every prefix of the zone is full: delete the released addresses whose cool-down is over (the
    /// listing deletes them too, but it may be up to ``listingMaximumAge`` old) and try again.
    private func reuseCoolingAddress(for owner: IPAMOwner, in zonePrefixes: [NetBoxPrefix]) async throws(IPAMError) -> IPAllocation? {
        let cooldown = configuration.releaseCooldown.components.seconds
        let time = now()
        let expired = try await currentSnapshot().cooling(in: Set(zonePrefixes.map(\.id))).filter { time - $0.releasedAt >= cooldown }
        for candidate in expired {
            try await delete(candidate.record.id)
        }
        for prefix in zonePrefixes where expired.contains(where: { $0.prefixID == prefix.id }) {
            if let allocation = try await reserve(owner, in: prefix) { return allocation }
        }
        return nil
    }

    /// Reservations waiting for their prefix's next list POST (for tests that stage a batch).
    var queuedReservations: Int { queues.values.reduce(0) { $0 + $1.count } }

    /// Returns once `count` reservations wait for their prefix's next list POST, or when the calling task is
    /// cancelled (so a test with a time limit fails instead of hanging). For tests that stage a batch.
    func waitUntilQueued(_ count: Int) async {
        let (counts, watcher) = AsyncStream<Int>.makeStream()
        watcher.yield(queuedReservations)
        queueWatchers.append(watcher)
        for await queued in counts where queued >= count { break }
        watcher.finish()
    }

    private func enqueue(_ owner: IPAMOwner, in prefix: NetBoxPrefix) async -> Outcome {
        await withCheckedContinuation { continuation in
            queues[prefix.id, default: []].append(Pending(owner: owner, continuation: continuation))
            if flushing.insert(prefix.id).inserted {
                Task { await self.flush(prefix) }
            }
            let queued = queuedReservations
            queueWatchers.removeAll { watcher in
                if case .terminated = watcher.yield(queued) { true } else { false }
            }
        }
    }

    /// Sends the prefix's waiting reservations as list POSTs until none wait.
    private func flush(_ prefix: NetBoxPrefix) async {
        while let waiting = queues[prefix.id], !waiting.isEmpty {
            let batch = Array(waiting.prefix(Self.maximumBatch))
            queues[prefix.id] = Array(waiting.dropFirst(batch.count))
            let outcomes = await allocate(batch.map(\.owner), in: prefix)
            for (pending, outcome) in zip(batch, outcomes) {
                pending.continuation.resume(returning: outcome)
            }
        }
        queues[prefix.id] = nil
        flushing.remove(prefix.id)
    }

    /// One list POST for `owners` (fewer after a 409), returning one outcome per owner in order.
    private func allocate(_ owners: [IPAMOwner], in prefix: NetBoxPrefix) async -> [Outcome] {
        var outcomes = [Outcome](repeating: .full, count: owners.count)
        var count = owners.count
        let path = "/ipam/prefixes/\(prefix.id)/available-ips/"
        let context = context.about(prefix: prefix.path, NetBoxPrefixReference(.id(prefix.id)))
        do throws(IPAMError) {
            // A 409 means not all fit: ask how many do and send that many; bounded because others compete too.
            for _ in 0..<4 where count > 0 {
                let answer: NetBoxAnswer
                do throws(IPAMError) {
                    answer = try await connection.call(.post, path, json: owners.prefix(count).map(marks.held))
                } catch {
                    // The POST may have been carried out: list again before the next reserve.
                    snapshotTakenAt = nil
                    throw error
                }
                if answer.status == 409 {
                    let free = try await freeCount(prefix, upTo: count, context: context)
                    if free >= count { continue }
                    count = free
                    continue
                }
                if answer.status >= 500 { snapshotTakenAt = nil }
                let records = try answer.decode([NetBoxAddressRecord].self, context: context)
                guard records.count == count else {
                    snapshotTakenAt = nil
                    throw IPAMError.backendUnavailable("\(answer.step) created \(records.count) addresses for \(count) requested; retry")
                }
                if records.contains(where: { $0.customFields[configuration.clusterField] == nil }) {
                    await deleteQuietly(records.map(\.id))
                    throw NetBoxErrorMapping.missingClusterField(context)
                }
                for (index, record) in records.enumerated() {
                    if let reason = prefix.refusal(for: record.ip) {
                        await block(record, because: reason)
                        outcomes[index] = .retry
                    } else {
                        note(.held(record, prefixID: prefix.id, owner: owners[index]))
                        outcomes[index] = .allocated(record)
                    }
                }
                return outcomes
            }
            return outcomes.enumerated().map { $0.offset < count ? .retry : .full }
        } catch {
            return [Outcome](repeating: .failed(error), count: owners.count)
        }
    }

    /// How many addresses the prefix offers, counting at most `limit`.
    private func freeCount(_ prefix: NetBoxPrefix, upTo limit: Int, context: NetBoxErrorContext) async throws(IPAMError) -> Int {
        let answer = try await connection.call(.get, "/ipam/prefixes/\(prefix.id)/available-ips/?limit=\(limit)")
        return try answer.decode([NetBoxAvailableAddress].self, context: context).count
    }

    /// Keeps an offered address that must never be handed out as status `reserved`, so NetBox stops offering it.
    private func block(_ record: NetBoxAddressRecord, because reason: String) async {
        logger.warning(
            "NetBox offered an address that is never handed out; keeping it as reserved",
            metadata: ["address": "\(record.ip)", "reason": "\(reason)"])
        do throws(IPAMError) {
            let answer = try await connection.call(.patch, "/ipam/ip-addresses/\(record.id)/", json: marks.blocked(because: reason))
            try answer.requireSuccess(context: context)
        } catch {
            logger.warning("could not mark the address as reserved; deleting it", metadata: ["address": "\(record.ip)", "error": "\(error)"])
            await deleteQuietly([record.id])
        }
    }

    // MARK: - Reclaim and release

    private func performReclaim(_ owner: IPAMOwner, address: IPAddress) async throws(IPAMError) -> IPAllocation {
        guard let prefix = try await resolvedPrefixes().first(where: { $0.prefix.contains(address) }) else {
            throw IPAMError.addressOutsideZones(address)
        }
        if let held = try await currentSnapshot().address(of: owner), held.record.ip == address {
            return Self.allocation(of: owner, address: address, in: prefix)
        }
        if let reason = prefix.refusal(for: address) {
            throw IPAMError.rejected("\(address) is the \(reason); it is never handed out, so it cannot be re-claimed for \(owner)")
        }
        let existing = try await list("/ipam/ip-addresses/?address=\(NetBoxConnection.queryValue(address.description))&limit=100", context: context)
            .filter { $0.ip == address }
        if let record = existing.first {
            if marks.owner(of: record) == owner {
                note(.held(record, prefixID: prefix.id, owner: owner))
                return Self.allocation(of: owner, address: address, in: prefix)
            }
            guard existing.count == 1, marks.releaseTime(of: record) != nil else {
                throw IPAMError.addressHeld(address, by: existing.lazy.compactMap(marks.holder(of:)).first)
            }
            // This cluster's own released address: take it back.
            let answer = try await connection.call(.patch, "/ipam/ip-addresses/\(record.id)/", json: marks.held(by: owner))
            let updated = try answer.decode(NetBoxAddressRecord.self, context: context)
            note(.held(updated, prefixID: prefix.id, owner: owner))
            return Self.allocation(of: owner, address: address, in: prefix)
        }
        var body = marks.held(by: owner)
        body.address = "\(address)/\(prefix.prefix.length)"
        let answer = try await connection.call(.post, "/ipam/ip-addresses/", json: body)
        if answer.status == 400, answer.failure.fieldErrors["address"]?.contains("Duplicate IP address") == true {
            throw IPAMError.addressHeld(address, by: nil)
        }
        let record = try answer.decode(NetBoxAddressRecord.self, context: context)
        guard record.customFields[configuration.clusterField] != nil else {
            await deleteQuietly([record.id])
            throw NetBoxErrorMapping.missingClusterField(context)
        }
        note(.held(record, prefixID: prefix.id, owner: owner))
        logger.info("re-claimed overlay address", metadata: ["owner": "\(owner)", "address": "\(address)"])
        return Self.allocation(of: owner, address: address, in: prefix)
    }

    private func performRelease(_ owner: IPAMOwner) async throws(IPAMError) {
        let prefixes = try await resolvedPrefixes()
        let query = "tag=\(NetBoxConnection.queryValue(configuration.tag))"
            + "&cf_\(configuration.clusterField)=\(NetBoxConnection.queryValue(clusterID))"
            + "&dns_name=\(NetBoxConnection.queryValue(owner.nodeName.lowercased()))&limit=100"
        let records = try await list("/ipam/ip-addresses/?\(query)", context: context).filter { marks.owner(of: $0) == owner }
        let cooldown = configuration.releaseCooldown.components.seconds
        var released: [NetBoxSnapshot.Cooling] = []
        for record in records {
            if cooldown <= 0 {
                try await delete(record.id)
                continue
            }
            let time = now()
            let answer = try await connection.call(.patch, "/ipam/ip-addresses/\(record.id)/", json: marks.released(by: owner, at: time))
            if answer.status == 404 { continue }
            let updated = try answer.decode(NetBoxAddressRecord.self, context: context)
            if let prefix = prefixes.first(where: { $0.prefix.contains(updated.ip) }) {
                released.append(NetBoxSnapshot.Cooling(record: updated, prefixID: prefix.id, releasedAt: time))
            }
        }
        note(.released(owner, cooling: released))
        if !records.isEmpty {
            logger.info("released overlay address", metadata: ["owner": "\(owner)", "addresses": "\(records.map(\.ip))"])
        }
    }

    // MARK: - The cluster listing

    /// The cluster's addresses: the kept listing, or a new one when it is older than
    /// ``listingMaximumAge``, unknown after a failed write, or `force`d. One listing runs at a time.
    private func currentSnapshot(force: Bool = false) async throws(IPAMError) -> NetBoxSnapshot {
        if !force, let snapshot, let taken = snapshotTakenAt, taken.duration(to: clock.now) < Self.listingMaximumAge {
            return snapshot
        }
        let task: Task<Result<NetBoxSnapshot, IPAMError>, Never>
        if let listing {
            task = listing
        } else {
            task = Task { await self.takeSnapshot() }
            listing = task
        }
        let result = await task.value
        if listing == task { listing = nil }
        return try result.get()
    }

    private func takeSnapshot() async -> Result<NetBoxSnapshot, IPAMError> {
        do throws(IPAMError) {
            let prefixes = try await resolvedPrefixes()
            let started = clock.now
            let query = "tag=\(NetBoxConnection.queryValue(configuration.tag))"
                + "&cf_\(configuration.clusterField)=\(NetBoxConnection.queryValue(clusterID))&limit=1000"
            journal = []
            defer { journal = nil }
            let records = try await list("/ipam/ip-addresses/?\(query)", context: context)
            var fresh = NetBoxSnapshot(records: records, marks: marks, prefixes: prefixes)
            for (owner, extra) in fresh.surplus {
                for record in extra {
                    logger.warning(
                        "owner held more than one NetBox address (a concurrent reserve elsewhere); releasing the higher one",
                        metadata: ["owner": "\(owner)", "released": "\(record.ip)"])
                    try await delete(record.id)
                    fresh.apply(.deleted(record.id))
                }
            }
            for cooling in fresh.expired(at: now(), cooldown: configuration.releaseCooldown.components.seconds) {
                try await delete(cooling.record.id)
                fresh.apply(.deleted(cooling.record.id))
            }
            // The listing may predate changes made while it ran (and while the loops above waited).
            for change in journal ?? [] { fresh.apply(change) }
            snapshot = fresh
            snapshotTakenAt = started
            return .success(fresh)
        } catch {
            return .failure(error)
        }
    }

    /// Every record of a list, following `next` links.
    private func list(_ path: String, context: NetBoxErrorContext) async throws(IPAMError) -> [NetBoxAddressRecord] {
        var records: [NetBoxAddressRecord] = []
        var next: String? = path
        while let current = next {
            let page = try await connection.call(.get, current).decode(NetBoxPage<NetBoxAddressRecord>.self, context: context)
            records += page.results
            next = page.next.flatMap(NetBoxConnection.path(ofNextLink:))
            if page.results.isEmpty { break }
        }
        return records
    }

    // MARK: - Prefixes

    private func resolvedPrefixes() async throws(IPAMError) -> [NetBoxPrefix] {
        if let prefixes { return prefixes }
        let task: Task<Result<[NetBoxPrefix], IPAMError>, Never>
        if let resolving {
            task = resolving
        } else {
            let resolver = NetBoxPrefixResolver(connection: connection, context: context)
            let prefixMap = configuration.prefixMap
            task = Task {
                do throws(IPAMError) {
                    return .success(try await resolver.resolve(prefixMap))
                } catch {
                    return .failure(error)
                }
            }
            resolving = task
        }
        let result = await task.value
        if resolving == task { resolving = nil }
        let resolved = try result.get()
        if prefixes == nil {
            logger.info("resolved the NetBox prefix map", metadata: [
                "prefixes": "\(resolved.map { "\($0.zone):\($0.prefix)#\($0.id) gateway \($0.gateway)" })",
            ])
        }
        prefixes = resolved
        return resolved
    }

    // MARK: - Helpers

    /// Applies a change of the backend's own to the kept listing and notes it for a listing running meanwhile.
    private func note(_ change: NetBoxSnapshot.Change) {
        snapshot?.apply(change)
        journal?.append(change)
    }

    private func allocation(of owner: IPAMOwner, record: NetBoxAddressRecord, prefixID: Int) async throws(IPAMError) -> IPAllocation {
        guard let prefix = try await resolvedPrefixes().first(where: { $0.id == prefixID }) else {
            throw IPAMError.backendUnavailable("the prefix of \(record.ip) is no longer configured; retry")
        }
        return Self.allocation(of: owner, address: record.ip, in: prefix)
    }

    private static func allocation(of owner: IPAMOwner, address: IPAddress, in prefix: NetBoxPrefix) -> IPAllocation {
        IPAllocation(
            owner: owner, address: address, prefixLength: prefix.prefix.length, gateway: prefix.gateway, subnet: prefix.prefix,
            zone: prefix.zone)
    }

    /// `DELETE /api/ipam/ip-addresses/{id}/`; 404 means it is gone already.
    private func delete(_ id: Int) async throws(IPAMError) {
        let answer = try await connection.call(.delete, "/ipam/ip-addresses/\(id)/")
        if answer.status == 404 { return }
        try answer.requireSuccess(context: context)
        note(.deleted(id))
    }

    /// Deletes addresses the backend just created but cannot use; a failure is logged, not thrown.
    private func deleteQuietly(_ ids: [Int]) async {
        for id in ids {
            do throws(IPAMError) {
                try await delete(id)
            } catch {
                logger.error("could not delete an address created in error; delete it in NetBox", metadata: ["id": "\(id)", "error": "\(error)"])
            }
        }
    }
}

/// One entry of `GET /api/ipam/prefixes/{id}/available-ips/` (a bare array).
struct NetBoxAvailableAddress: Decodable, Sendable {
    var address: String
}
