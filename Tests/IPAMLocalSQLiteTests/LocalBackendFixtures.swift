// Helpers for the local backend tests: configurations built from plain strings and a manual wall clock.

import Foundation
import GRDB
import IPAddressing
import IPAMConformance
import IPAMCore
import IPAMLocalSQLite
import Logging
import Synchronization
import TestSupport
import Testing

/// A wall clock the test moves by hand.
final class ManualWallClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    /// The current time, as the backend's `now` provider.
    var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    func advance(by duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A subnet written as strings, parsed with `#require`.
func subnet(_ prefix: String, gateway: String? = nil, reserved: [String] = []) throws -> SubnetConfiguration {
    let parsedPrefix = try #require(IPPrefix(prefix))
    let parsedGateway = try gateway.map { try #require(IPAddress($0)) } ?? parsedPrefix.firstHost
    let ranges = try reserved.map { try #require(IPRange($0)) }
    return SubnetConfiguration(subnet: parsedPrefix, gateway: parsedGateway, reserved: ranges)
}

/// A local configuration for `database` with the given zones (name and subnets, in order).
func localConfiguration(
    database: String, cooldown: Duration = .seconds(300), zones: [(String, [SubnetConfiguration])]
) -> LocalIPAMConfiguration {
    LocalIPAMConfiguration(
        database: database, releaseCooldown: cooldown,
        zones: zones.map { ZoneConfiguration(name: $0.0, subnets: $0.1) })
}

/// The local configuration of a conformance fixture.
func localConfiguration(for fixture: ConformanceFixture, database: String, cooldown: Duration = .seconds(300)) throws
    -> LocalIPAMConfiguration
{
    try localConfiguration(database: database, cooldown: cooldown, zones: fixture.zones.map { zone in
        (zone.name, try zone.subnets.map { try subnet($0.prefix, gateway: $0.gateway, reserved: $0.reserved) })
    })
}

/// An owner of the test cluster `test`.
func owner(_ node: String) -> IPAMOwner { IPAMOwner(clusterID: "test", nodeName: node) }

/// Parses an address with `#require`.
func address(_ text: String) throws -> IPAddress { try #require(IPAddress(text)) }

/// Opens a backend of cluster `test` on `configuration` with the manual clock.
func openBackend(_ configuration: LocalIPAMConfiguration, clock: ManualWallClock = ManualWallClock()) async throws
    -> LocalSQLiteBackend
{
    try await LocalSQLiteBackend(configuration: configuration, clusterID: "test", now: { clock.now }, logger: quietLogger)
}

/// A logger that only lets errors through, so passing tests stay quiet.
let quietLogger: Logger = {
    var logger = Logger(label: "overlay-ipam.local.test")
    logger.logLevel = .error
    return logger
}()

/// A GRDB pool on the backend's file for inspecting or tampering with it, waiting out the backend's own locks
/// (a backend closing its last connection checkpoints the WAL) instead of failing at once.
func inspectionPool(_ path: String) throws -> GRDB.DatabasePool {
    var configuration = GRDB.Configuration()
    configuration.busyMode = .timeout(10)
    return try GRDB.DatabasePool(path: path, configuration: configuration)
}
