// The emulated NetBox server state as an actor: answers requests, serialises allocations, injects faults, counts requests.
import FoundationEssentials

/// An in-memory NetBox 4.6 (or 4.4) REST API that answers like the real server recorded in `netbox-api.md`,
/// quirks included: 403 (never 401) for every authentication failure, v1 `Token` and v2 `Bearer nbt_…` tokens,
/// a bare JSON array from `GET …/available-ips/`, 409 and all-or-nothing list POSTs when a prefix runs out,
/// absolute pagination links, exact versus loose custom-field filters, lower-cased `dns_name`, an HTML 404 for
/// unknown paths and one global allocation lock.
///
/// ## Start it
/// ```swift
/// let emulator = NetBoxEmulator()                       // the recorded server: NetBoxSeed.example, NetBox 4.6
/// let server = try await NetBoxServer.start(emulator: emulator)   // 127.0.0.1, ephemeral port, optional TLS
/// // talk to server.baseURL + "/api/ipam/prefixes/1/available-ips/"
/// // with "Authorization: " + NetBoxSeed.exampleToken.authorization
/// await server.shutdown()
/// ```
///
/// ## Seed it
/// Pass a ``NetBoxSeed`` (prefixes with ids, VRFs, addresses, IP ranges, tags, custom field definitions, users
/// with object permissions and tokens); `NetBoxSeed(version: .v4_4, …)` answers as NetBox 4.4.10.
/// ``insertAddress(_:)`` and ``deleteAddress(id:)`` change the data behind the API's back (to stage races).
///
/// ## Inject faults and latency
/// ```swift
/// await emulator.injectFaults {
///     $0.operationLatency = NetBoxFaults.recordedLatencies   // 23.5 ms allocate, 10 ms list, 47 ms delete
///     $0.failNextRequests = 1; $0.failureStatus = 502          // or resetNextConnections, dropNextRequests (timeouts)
///     $0.faultOperations = [.allocate]                         // only allocations take the counted faults
///     $0.firstRequestDelay = .seconds(3)                       // a fresh worker's slow first answer
/// }
/// ```
///
/// ## Read counts
/// ``operationCounts`` (per ``NetBoxOperation``), ``requestCounts`` (per method and path, ids as `{id}`),
/// ``totalRequests`` and ``resetRequestCounts()``.
///
/// The emulator's JSON and address handling are its own (not the IPAMNetBox client's), so it stays an
/// independent oracle for the backend's tests.
public actor NetBoxEmulator {
    private var api: NetBoxAPI
    private let now: @Sendable () -> Date
    private var faults = NetBoxFaults()
    private var counts: [String: Int] = [:]
    private var operations: [NetBoxOperation: Int] = [:]
    /// NetBox's advisory lock `available-ips`: one for every prefix, held while an allocation finds and creates.
    private var allocationLockHeld = false
    private var allocationWaiters: [CheckedContinuation<Void, Never>] = []
    /// While paused, the allocation holding the lock waits here before it does its work.
    private var allocationsPaused = false
    private var pausedHolders: [CheckedContinuation<Void, Never>] = []
    /// Callers of ``waitForAllocations(holding:waiting:)`` until the lock reaches that state, by ticket.
    private var lockObservers: [Int: (holding: Int, waiting: Int, continuation: CheckedContinuation<Void, Never>)] = [:]
    private var nextObserverTicket = 0

    /// Creates a server whose database is `seed`, reading the time for `created`/`last_updated` from `now`.
    public init(seed: NetBoxSeed = .example, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        version = seed.version
        api = NetBoxAPI(seed: seed, now: now())
    }

    /// The NetBox release the server answers as.
    public nonisolated let version: NetBoxVersion

    /// Decides the fate of one request: an answer (after the injected latency), a reset, or no answer.
    /// Allocations take the global allocation lock and spend their latency holding it, so concurrent
    /// allocations (on any prefix) are served one after another, as on the real server.
    public func dispose(_ request: NetBoxRequest) async -> NetBoxDisposition {
        let route = NetBoxRoute(target: request.target, version: api.version)
        let operation = route.operation(method: request.method)
        counts[route.label(method: request.method), default: 0] += 1
        operations[operation, default: 0] += 1
        let delay = faults.takeDelay(for: operation)
        if let fault = faults.takeFault(for: operation, delay: delay, version: api.version) { return fault }
        guard operation == .allocate else { return .respond(api.handle(request, now: now()), delay: delay) }
        await acquireAllocationLock()
        if allocationsPaused { await withCheckedContinuation { pausedHolders.append($0) } }
        if delay > .zero { try? await Task.sleep(for: delay) }
        let response = api.handle(request, now: now())
        releaseAllocationLock()
        return .respond(response, delay: .zero)
    }

    /// Answers one request, ignoring injected faults, latency and counts (for tests of the pure behaviour).
    public func answer(_ request: NetBoxRequest) -> NetBoxResponse {
        api.handle(request, now: now())
    }

    private func acquireAllocationLock() async {
        guard allocationLockHeld else {
            allocationLockHeld = true
            notifyLockObservers()
            return
        }
        await withCheckedContinuation {
            allocationWaiters.append($0)
            notifyLockObservers()
        }
    }

    private func releaseAllocationLock() {
        if allocationWaiters.isEmpty {
            allocationLockHeld = false
        } else {
            allocationWaiters.removeFirst().resume()
        }
        notifyLockObservers()
    }

    private func notifyLockObservers() {
        let holding = allocationLockHeld ? 1 : 0
        let waiting = allocationWaiters.count
        for (ticket, observer) in lockObservers where observer.holding == holding && observer.waiting == waiting {
            lockObservers[ticket] = nil
            observer.continuation.resume()
        }
    }

    // MARK: - The allocation lock, for tests

    /// Makes the next allocation that takes the lock wait, holding it, until ``resumeAllocations()``.
    public func pauseAllocations() {
        allocationsPaused = true
    }

    /// Lets a paused allocation (and every later one) go on.
    public func resumeAllocations() {
        allocationsPaused = false
        for holder in pausedHolders { holder.resume() }
        pausedHolders = []
    }

    /// Allocations queued behind the one holding the global lock.
    public var allocationsWaiting: Int { allocationWaiters.count }

    /// Returns once the lock is held by `holding` (0 or 1) allocations with `waiting` queued behind it, or
    /// when the calling task is cancelled (so a test with a time limit fails instead of hanging).
    public func waitForAllocations(holding: Int, waiting: Int) async {
        if (allocationLockHeld ? 1 : 0) == holding && allocationWaiters.count == waiting { return }
        let ticket = nextObserverTicket
        nextObserverTicket += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume()
                } else {
                    lockObservers[ticket] = (holding, waiting, continuation)
                }
            }
        } onCancel: {
            Task { await self.stopObserving(ticket) }
        }
    }

    private func stopObserving(_ ticket: Int) {
        lockObservers.removeValue(forKey: ticket)?.continuation.resume()
    }

    // MARK: - Faults

    /// Changes the injected faults and latencies, e.g. `await emulator.injectFaults { $0.failNextRequests = 2 }`.
    public func injectFaults(_ change: @Sendable (inout NetBoxFaults) -> Void) {
        change(&faults)
    }

    /// The faults and latencies in force (counted faults not yet consumed).
    public var pendingFaults: NetBoxFaults { faults }

    // MARK: - Request counts

    /// Requests seen per method and path, ids as `{id}`: e.g. `"POST /api/ipam/prefixes/{id}/available-ips/"`.
    public var requestCounts: [String: Int] { counts }

    /// Requests seen per kind of operation.
    public var operationCounts: [NetBoxOperation: Int] { operations }

    /// Every request seen since the start or the last ``resetRequestCounts()``.
    public var totalRequests: Int { counts.values.reduce(0, +) }

    /// Forgets the request counts.
    public func resetRequestCounts() {
        counts = [:]
        operations = [:]
    }

    // MARK: - Inspection and setup for tests

    /// Every IP-address object, in NetBox's order (inet order, then id).
    public func addresses() -> [NetBoxEmulatedAddress] {
        api.database.orderedAddresses().map { NetBoxEmulatedAddress($0, tags: api.database.tags) }
    }

    /// The IP-address objects whose host lies in prefix `prefixID` (same VRF), in NetBox's order.
    public func addresses(inPrefix prefixID: Int) -> [NetBoxEmulatedAddress] {
        guard let prefix = api.database.prefixes[prefixID] else { return [] }
        return api.database.orderedAddresses()
            .filter { $0.vrfID == prefix.vrfID && prefix.prefix.contains($0.address.ip) }
            .map { NetBoxEmulatedAddress($0, tags: api.database.tags) }
    }

    /// One IP-address object.
    public func address(id: Int) -> NetBoxEmulatedAddress? {
        api.database.addresses[id].map { NetBoxEmulatedAddress($0, tags: api.database.tags) }
    }

    /// What `GET …/available-ips/?limit=N` would list for a prefix, as `address/mask` strings.
    public func availableAddresses(inPrefix prefixID: Int, limit: Int = 1000) -> [String] {
        guard let prefix = api.database.prefixes[prefixID] else { return [] }
        return api.database.availableIPs(in: prefix, limit: limit).map { "\($0)/\(prefix.prefix.length)" }
    }

    /// Creates an IP-address object directly, bypassing the API and its checks (the seed's `id` is ignored);
    /// returns the new id, or nil when the address or a tag slug is invalid.
    @discardableResult
    public func insertAddress(_ address: NetBoxSeed.Address) -> Int? {
        guard let interface = NetBoxInterface(address.address) else { return nil }
        var tagIDs: [Int] = []
        for slug in address.tags {
            guard let id = api.database.tags.values.first(where: { $0.slug == slug })?.id else { return nil }
            tagIDs.append(id)
        }
        let instant = now()
        return api.database.insert(
            AddressRow(
                id: 0, address: interface, vrfID: address.vrfID, tenantID: address.tenantID, ownerID: address.ownerID,
                status: address.status, role: address.role, dnsName: address.dnsName.lowercased(), description: address.description,
                tagIDs: tagIDs, customFields: api.database.seededCustomFields(address.customFields, objectType: "ipam.ipaddress"),
                created: instant, lastUpdated: instant))
    }

    /// Deletes an IP-address object directly; returns whether it existed.
    @discardableResult
    public func deleteAddress(id: Int) -> Bool {
        api.database.addresses.removeValue(forKey: id) != nil
    }
}

/// A copy of one IP-address object, for assertions.
public struct NetBoxEmulatedAddress: Sendable, Equatable {
    /// The object id.
    public var id: Int
    /// `192.168.110.3/24`.
    public var address: String
    /// The VRF, nil for the global table.
    public var vrfID: Int?
    /// The tenant, if any.
    public var tenantID: Int?
    /// The owner, if any (4.6).
    public var ownerID: Int?
    /// `active`, `reserved`, `deprecated`, `dhcp` or `slaac`.
    public var status: String
    /// The role value (`vrrp`, …), if any.
    public var role: String?
    /// The stored (lower-case) DNS name.
    public var dnsName: String
    /// The description.
    public var description: String
    /// Tag slugs, by name.
    public var tags: [String]
    /// Custom field values that are set, as text (`null` ones are left out).
    public var customFields: [String: String]

    init(_ row: AddressRow, tags: [Int: NetBoxSeed.Tag]) {
        id = row.id
        address = row.address.description
        vrfID = row.vrfID
        tenantID = row.tenantID
        ownerID = row.ownerID
        status = row.status
        role = row.role
        dnsName = row.dnsName
        description = row.description
        self.tags = row.tagIDs.compactMap { tags[$0] }.sorted { $0.name < $1.name }.map(\.slug)
        customFields = row.customFields.compactMapValues { value in
            switch value {
            case .string(let text): text
            case .int(let number): String(number)
            case .bool(let flag): flag ? "true" : "false"
            default: nil
            }
        }
    }
}
