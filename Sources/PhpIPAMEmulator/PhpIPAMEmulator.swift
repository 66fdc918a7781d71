// The emulated phpIPAM server state as an actor: answers requests, injects faults, counts requests per route.
import EmulatorSupport
import Foundation

/// An in-memory phpIPAM v1.8 API that answers like the real server documented in `phpipam-api.md`.
///
/// Serve it over HTTP with ``PhpIPAMServer``, or call ``dispose(_:)`` directly. Time comes from the injected
/// `now` closure, so token expiry can be driven by a manual clock.
public actor PhpIPAMEmulator {
    private var api: PhpIPAMAPI
    private let now: @Sendable () -> Date
    private var faults = PhpIPAMFaults()
    private var counts: [String: Int] = [:]

    /// Creates a server whose database is `seed`, reading the time from `now` (wall clock by default).
    public init(seed: PhpIPAMSeed = .example, now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
        api = PhpIPAMAPI(seed: seed, now: now())
    }

    /// Decides the fate of one request: an answer (after the injected latency) or a connection reset.
    public func dispose(_ request: PhpIPAMRequest) -> PhpIPAMDisposition {
        let label = PhpIPAMRoute(target: request.target)?.label(method: request.method) ?? "\(request.method) ?"
        counts[label, default: 0] += 1
        if let fault = faults.takeFault() { return fault }
        return .respond(api.handle(request, now: now()), delay: faults.latency)
    }

    /// Answers one request, ignoring injected faults and latency (for tests of the pure behaviour).
    public func answer(_ request: PhpIPAMRequest) -> PhpIPAMResponse {
        api.handle(request, now: now())
    }

    // MARK: - Faults

    /// Changes the injected faults, e.g. `await emulator.injectFaults { $0.failNextRequests = 2 }`.
    public func injectFaults(_ change: @Sendable (inout PhpIPAMFaults) -> Void) {
        change(&faults)
    }

    /// The faults still pending.
    public var pendingFaults: PhpIPAMFaults { faults }

    /// Makes every issued token expire now: the next call with one gets `401 Unauthorized`.
    public func expireAllTokens() {
        let instant = now().addingTimeInterval(-1)
        for index in api.database.users.indices where api.database.users[index].token != nil {
            api.database.users[index].tokenValidUntil = instant
        }
    }

    // MARK: - Request counts

    /// Requests seen per route label, e.g. `"POST addresses/first_free/{id}"` or `"GET subnets/{id}/addresses"`.
    public var requestCounts: [String: Int] { counts }

    /// Every request seen since the start or the last ``resetRequestCounts()``.
    public var totalRequests: Int { counts.values.reduce(0, +) }

    public func resetRequestCounts() { counts = [:] }

    // MARK: - Inspection and setup for tests

    /// The address rows of a subnet in address order (gateway and reserved rows included).
    public func addresses(inSubnet subnetID: Int) -> [EmulatedAddress] {
        api.database.rows(inSubnet: subnetID).map(EmulatedAddress.init)
    }

    /// Creates an address row directly, bypassing the API (e.g. to stage a race); returns its id.
    @discardableResult
    public func insertAddress(
        subnetID: Int, ip: String, hostname: String? = nil, fields: [String: String] = [:], tag: Int = 2
    ) -> Int? {
        guard api.database.subnets[subnetID] != nil, let address = EmulatorIP(ip) else { return nil }
        var text = fields
        text["hostname"] = hostname
        return api.database.insertAddress(AddressRow(id: 0, subnetID: subnetID, ip: address, tag: tag, text: text))
    }

    /// Sets or clears a subnet's `isFull` flag.
    public func setSubnetFull(_ subnetID: Int, _ isFull: Bool) {
        api.database.subnets[subnetID]?.isFull = isFull
    }

    /// Whether `ip` is blocked by the login-failure rule at the current time.
    public func isBlocked(_ ip: String) -> Bool {
        api.database.isBlocked(ip, now: now())
    }
}

/// A copy of one address row, for assertions.
public struct EmulatedAddress: Sendable, Equatable {
    public var id: Int
    public var subnetID: Int
    public var ip: String
    public var isGateway: Bool
    public var tag: Int
    /// Text columns and custom fields that are not NULL (`hostname`, `owner`, `description`, …).
    public var fields: [String: String]

    init(_ row: AddressRow) {
        id = row.id
        subnetID = row.subnetID
        ip = row.ip.description
        isGateway = row.isGateway
        tag = row.tag
        fields = row.text
    }

    public var hostname: String? { fields["hostname"] }
    public var owner: String? { fields["owner"] }
}
