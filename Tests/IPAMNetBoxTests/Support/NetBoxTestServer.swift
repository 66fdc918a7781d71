// A NetBox emulator seeded for the backend's tests, with a backend factory and a settable wall clock.
import IPAMConformance
import IPAMCore
import IPAMNetBox
import Logging
import NetBoxEmulator
import Synchronization

/// The Unix-seconds clock the backend under test reads; tests move it forward.
final class ManualUnixClock: Sendable {
    private let seconds = Mutex<Int64>(1_796_000_000)

    var now: Int64 { seconds.withLock { $0 } }

    func advance(by duration: Duration) {
        seconds.withLock { $0 += duration.components.seconds }
    }

    var source: @Sendable () -> Int64 { { self.now } }
}

/// The seed every backend test starts from: the conformance fixture's zones as NetBox prefixes (ids from 101),
/// gateways described `gateway`, reserved single addresses as `reserved` IP addresses, reserved ranges as IP
/// ranges marked populated, the tag and the exact custom field the backend marks with, and user `iks`
/// with the permissions the README asks for.
enum NetBoxTestSeed {
    static let tag = "overlay-ip-controller"
    static let clusterField = "overlay_cluster"
    static let token = NetBoxSeed.Token(secret: "0123456789abcdef0123456789abcdef01234567", username: "iks")
    static let readOnlyToken = NetBoxSeed.Token(secret: "ro23456789abcdef0123456789abcdef01234567", username: "iks", writeEnabled: false)
    static let tokenV2 = NetBoxSeed.Token(version: .v2, key: "overlayKey01", secret: "S3cretOverlayBackend00000000000000000001", username: "iks")

    /// The first prefix id; prefixes are numbered in fixture order.
    static let firstPrefixID = 101

    static func seed(
        for fixture: ConformanceFixture = .standard, version: NetBoxVersion = .v4_6, filterLogic: NetBoxSeed.CustomField.FilterLogic = .exact,
        customFields: Bool = true, extraPrefixes: [NetBoxSeed.Prefix] = [], extraAddresses: [NetBoxSeed.Address] = []
    ) -> NetBoxSeed {
        var prefixes: [NetBoxSeed.Prefix] = []
        var addresses: [NetBoxSeed.Address] = []
        var ranges: [NetBoxSeed.IPRange] = []
        var nextAddressID = 1
        for subnet in fixture.zones.flatMap(\.subnets) {
            let length = subnet.prefix.split(separator: "/").last.map(String.init) ?? "24"
            prefixes.append(NetBoxSeed.Prefix(id: firstPrefixID + prefixes.count, prefix: subnet.prefix, description: "test prefix"))
            addresses.append(NetBoxSeed.Address(id: nextAddressID, address: "\(subnet.gateway)/\(length)", description: "gateway"))
            nextAddressID += 1
            for reserved in subnet.reserved {
                let ends = reserved.split(separator: "-").map(String.init)
                if ends.count == 2 {
                    ranges.append(NetBoxSeed.IPRange(
                        id: ranges.count + 1, startAddress: "\(ends[0])/\(length)", endAddress: "\(ends[1])/\(length)", status: "reserved",
                        markPopulated: true))
                } else {
                    addresses.append(NetBoxSeed.Address(id: nextAddressID, address: "\(reserved)/\(length)", status: "reserved"))
                    nextAddressID += 1
                }
            }
        }
        var permissions = NetBoxSeed.exampleUserPermissions
        permissions.removeAll { $0.hasPrefix("extras.") }
        return NetBoxSeed(
            version: version,
            tags: [NetBoxSeed.Tag(id: 1, name: tag)],
            customFields: customFields
                ? [NetBoxSeed.CustomField(id: 1, name: clusterField, objectTypes: ["ipam.ipaddress"], filterLogic: filterLogic)] : [],
            prefixes: prefixes + extraPrefixes, ipRanges: ranges, addresses: addresses + extraAddresses,
            users: [NetBoxSeed.User(username: "iks", permissions: permissions)],
            tokens: [token, readOnlyToken] + (version == .v4_6 ? [tokenV2] : []))
    }

    /// The prefix map of `fixture` by prefix id, in fixture order.
    static func prefixMap(for fixture: ConformanceFixture = .standard) -> [NetBoxZonePrefixes] {
        var id = firstPrefixID
        return fixture.zones.map { zone in
            NetBoxZonePrefixes(zone: zone.name, prefixes: zone.subnets.map { _ in
                defer { id += 1 }
                return NetBoxPrefixReference(.id(id))
            })
        }
    }
}

/// A running emulator for one test, with helpers to open backends against it.
struct NetBoxTestServer {
    let emulator: NetBoxEmulator
    let server: NetBoxServer
    let clock: ManualUnixClock

    /// Runs `body` against a fresh emulator and shuts it down afterwards, also when `body` throws.
    static func with<T>(
        seed: NetBoxSeed = NetBoxTestSeed.seed(), tls: NetBoxServer.TLS? = nil, _ body: (NetBoxTestServer) async throws -> T
    ) async throws -> T {
        let emulator = NetBoxEmulator(seed: seed)
        let server = try await NetBoxServer.start(emulator: emulator, tls: tls)
        let fixture = NetBoxTestServer(emulator: emulator, server: server, clock: ManualUnixClock())
        do {
            let result = try await body(fixture)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// The configuration of a backend for the conformance fixture's prefixes.
    func configuration(
        prefixMap: [NetBoxZonePrefixes] = NetBoxTestSeed.prefixMap(), releaseCooldown: Duration = .seconds(300)
    ) -> NetBoxConfiguration {
        NetBoxConfiguration(url: server.baseURL, prefixMap: prefixMap, releaseCooldown: releaseCooldown, requestTimeout: .seconds(10))
    }

    /// Opens a backend for `clusterID` with `token`.
    func backend(
        _ configuration: NetBoxConfiguration? = nil, clusterID: String = ConformanceFixture.standard.clusterID,
        token: NetBoxSeed.Token = NetBoxTestSeed.token
    ) throws -> NetBoxBackend {
        try NetBoxBackend(
            configuration: configuration ?? self.configuration(), clusterID: clusterID, logger: Logger(label: "netbox-test"),
            environment: [NetBoxCredentials.tokenVariable: token.authorization.split(separator: " ").last.map(String.init) ?? ""],
            now: clock.source)
    }
}
