// Tests of the per-family helpers: a zone's family order, its one-line description, and reserving a whole zone.
import IPAMCore
import IPAddressing
import Logging
import Synchronization
import Testing

@Suite("Zone families")
struct ZoneFamiliesTests {
    private func prefixes(_ texts: [String]) throws -> [IPPrefix] { try texts.map { try #require(IPPrefix($0)) } }

    @Test("a zone's families are ordered by the first subnet of each")
    func familyOrder() {
        #expect(zoneFamilies([.v6, .v4, .v6, .v4]) == [.v6, .v4])
        #expect(zoneFamilies([.v4, .v4]) == [.v4])
        #expect(zoneFamilies([]) == [])
    }

    @Test("the description names each family's subnets in spill-over order, primary family first")
    func descriptions() throws {
        #expect(ZoneDescription.line(zone: "dal10", subnets: try prefixes(["192.168.100.0/24", "fd00:100::/64", "192.168.101.0/24"]))
            == "zone dal10: dual-stack (IPv4 first): IPv4 192.168.100.0/24 then 192.168.101.0/24; IPv6 fd00:100::/64")
        #expect(ZoneDescription.line(zone: "dal12", subnets: try prefixes(["fd00:12::/64", "fd00:13::/64"]))
            == "zone dal12: IPv6 only: fd00:12::/64 then fd00:13::/64")
        #expect(ZoneDescription.line(zone: "empty", subnets: []) == "zone empty: no subnets")
    }

    @Test("settings that cannot know families offline say each zone's families are read at start, once per zone")
    func defaultDescriptions() {
        let settings = ServerSettings(zoneNames: ["dal10", "dal12", "dal10"])
        #expect(settings.zoneDescriptions == [
            "zone dal10: address families are read from the IPAM server at start (dual-stack when it has subnets of both)",
            "zone dal12: address families are read from the IPAM server at start (dual-stack when it has subnets of both)",
        ])
    }

    @Test("reserving a zone reserves each family in the zone's order and stops at the first failure, keeping what it got")
    func reserveWholeZone() async throws {
        let backend = RecordingBackend(families: [.v6, .v4], failing: nil)
        let owner = IPAMOwner(clusterID: "c", nodeName: "n")
        let reserved = try await backend.reserve(owner, zone: "z")
        #expect(reserved.map(\.address.family) == [.v6, .v4])
        #expect(try await backend.allocation(for: owner, family: .v4) == reserved[1])

        let failing = RecordingBackend(families: [.v4, .v6], failing: .v6)
        await #expect(throws: IPAMError.zoneExhausted(zone: "z", subnets: ["fd00::/64"])) { try await failing.reserve(owner, zone: "z") }
        #expect(try await failing.allocations(for: owner).map(\.address.family) == [.v4])
    }
}

/// Backend settings that leave the zone descriptions to the default.
private struct ServerSettings: IPAMBackendSettings {
    var zoneNames: [String]
    var backendName: String { "server" }
    var summary: String { "server backend" }
    func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend { throw IPAMError.rejected("not in this test") }
}

/// An in-memory backend that hands out the first address of a fixed subnet per family, failing one family on request.
private final class RecordingBackend: IPAMBackend {
    private let zoneFamilies: [IPAddressFamily]
    private let failing: IPAddressFamily?
    private let held = Mutex<[IPAllocation]>([])

    init(families: [IPAddressFamily], failing: IPAddressFamily?) {
        zoneFamilies = families
        self.failing = failing
    }

    func families(inZone zone: String) async throws -> [IPAddressFamily] { zoneFamilies }

    func reserve(_ owner: IPAMOwner, zone: String, family: IPAddressFamily) async throws -> IPAllocation {
        let subnet = family == .v4 ? "10.0.0.0/24" : "fd00::/64"
        if family == failing { throw IPAMError.zoneExhausted(zone: zone, subnets: [subnet]) }
        let prefix = try #require(IPPrefix(subnet))
        let allocation = IPAllocation(owner: owner, address: prefix.firstHost, prefixLength: prefix.length, gateway: prefix.firstHost,
                                      subnet: prefix, zone: zone)
        held.withLock { $0.append(allocation) }
        return allocation
    }

    func reclaim(_ owner: IPAMOwner, address: IPAddress) async throws -> IPAllocation { throw IPAMError.addressOutsideZones(address) }
    func release(_ owner: IPAMOwner) async throws { held.withLock { $0.removeAll { $0.owner == owner } } }
    func allocations(for owner: IPAMOwner) async throws -> [IPAllocation] { held.withLock { $0.filter { $0.owner == owner } } }
    func allocations() async throws -> [IPAllocation] { held.withLock { $0 } }
    func zones(listing subnet: IPPrefix) async throws -> [String] { [] }
    func usage() async throws -> [SubnetUsage] { [] }
}
