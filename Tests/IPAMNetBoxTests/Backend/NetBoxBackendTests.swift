// Tests of the NetBox backend over HTTP against the emulator: marks, batching, spill-over, cool-down, isolation.
import IPAMConformance
import IPAMCore
@testable import IPAMNetBox
import IPAddressing
import NetBoxEmulator
import Testing

@Suite("NetBox backend")
struct NetBoxBackendTests {
    let fixture = ConformanceFixture.standard

    @Test("an allocation carries the tag, the cluster in the custom field and the node as dns_name")
    func marks() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend()
            let allocation = try await backend.reserve(fixture.owner("Node-7"), zone: "zone-b", family: .v4)
            #expect(allocation.cidr == "10.77.1.2/24" && allocation.gateway == IPAddress("10.77.1.1") && allocation.zone == "zone-b")
            let stored = try #require(await server.emulator.addresses().first { $0.address == "10.77.1.2/24" })
            #expect(stored.status == "active")
            #expect(stored.tags == [NetBoxTestSeed.tag])
            #expect(stored.customFields == [NetBoxTestSeed.clusterField: "conformance"])
            #expect(stored.dnsName == "node-7")
            #expect(stored.description == "overlay-ip-controller: Node-7")
            #expect(try await backend.allocations().map(\.owner) == [fixture.owner("Node-7")])
        }
    }

    @Test("reservations waiting for one prefix go out as one list POST", .timeLimit(.minutes(1)))
    func batching() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend()
            _ = try await backend.allocations()  // resolve the prefixes and list once
            await server.emulator.resetRequestCounts()
            await server.emulator.pauseAllocations()
            // The first reservation's POST, alone, holds the server's allocation lock ...
            let first = Task { try await backend.reserve(fixture.owner("node-0"), zone: "zone-b", family: .v4) }
            await server.emulator.waitForAllocations(holding: 1, waiting: 0)
            // ... while the other 49 wait in the backend's queue for the next POST.
            let others = Task {
                try await withThrowingTaskGroup(of: IPAllocation.self) { group in
                    for index in 1..<50 {
                        group.addTask { try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-b", family: .v4) }
                    }
                    return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
                }
            }
            await backend.waitUntilQueued(49)
            await server.emulator.resumeAllocations()
            let allocations = try await [first.value] + others.value
            #expect(Set(allocations.map(\.address)).count == 50)
            #expect(await server.emulator.operationCounts[.allocate] == 2)
            #expect(await server.emulator.totalRequests == 2)
        }
    }

    @Test("reservations that overflow a prefix get what fits from it and spill over to the next")
    func overflow() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend()
            let capacity = try fixture.zone("zone-a").subnets.reduce(0) { $0 + (try $1.assignableAddresses().count) }
            let allocations = try await withThrowingTaskGroup(of: IPAllocation.self) { group in
                for index in 0..<capacity {
                    group.addTask { try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-a", family: .v4) }
                }
                return try await group.reduce(into: [IPAllocation]()) { $0.append($1) }
            }
            var expected: Set<IPAddress> = []
            for subnet in try fixture.zone("zone-a").subnets { expected.formUnion(try subnet.assignableAddresses()) }
            #expect(Set(allocations.map(\.address)) == expected)
            await #expect(throws: IPAMError.zoneExhausted(zone: "zone-a", subnets: ["10.77.0.0/29 (NetBox prefix 101)", "10.77.0.16/29 (NetBox prefix 102)"])) {
                try await backend.reserve(fixture.owner("one-too-many"), zone: "zone-a", family: .v4)
            }
        }
    }

    @Test("a released address cools down as deprecated, then serves a full zone once the cool-down is over")
    func cooldown() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend(server.configuration(releaseCooldown: .seconds(300)))
            let early = try await backend.reserve(fixture.owner("early"), zone: "zone-b", family: .v4)
            try await backend.release(early.owner)
            let cooling = try #require(await server.emulator.addresses().first { $0.address == early.cidr })
            #expect(cooling.status == "deprecated" && cooling.dnsName.isEmpty)
            #expect(cooling.description == "overlay-ip-controller: released early at \(server.clock.now)")
            let other = try await backend.reserve(fixture.owner("other"), zone: "zone-b", family: .v4)
            #expect(other.address != early.address)

            var held: [IPAllocation] = []
            for index in 0..<7 { held.append(try await backend.reserve(fixture.owner("node-\(index)"), zone: "zone-a", family: .v4)) }
            try await backend.release(held[3].owner)
            let usage = try await backend.usage()
            #expect(usage.map(\.coolingDown) == [1, 0, 1])
            server.clock.advance(by: .seconds(299))
            await #expect(throws: IPAMError.self) { try await backend.reserve(fixture.owner("newcomer"), zone: "zone-a", family: .v4) }
            server.clock.advance(by: .seconds(1))
            let newcomer = try await backend.reserve(fixture.owner("newcomer"), zone: "zone-a", family: .v4)
            #expect(newcomer.address == held[3].address)
        }
    }

    @Test("another cluster's and a person's addresses are never listed, reused or released")
    func isolation() async throws {
        let seed = NetBoxTestSeed.seed(filterLogic: .loose, extraAddresses: [
            NetBoxSeed.Address(
                id: 90, address: "10.77.1.2/24", dnsName: "node-1", description: "overlay-ip-controller: node-1",
                tags: [NetBoxTestSeed.tag], customFields: [NetBoxTestSeed.clusterField: "conformance-b"]),
            NetBoxSeed.Address(id: 91, address: "10.77.1.3/24", dnsName: "node-1", description: "someone's laptop"),
        ])
        try await NetBoxTestServer.with(seed: seed) { server in
            let backend = try server.backend()
            // The field's loose filter matches conformance-b too; the backend compares exactly.
            #expect(try await backend.allocations().isEmpty)
            #expect(try await backend.allocation(for: fixture.owner("node-1"), family: .v4) == nil)
            let mine = try await backend.reserve(fixture.owner("node-1"), zone: "zone-b", family: .v4)
            #expect(mine.address == IPAddress("10.77.1.4"))
            try await backend.release(fixture.owner("node-1"))
            let left = await server.emulator.addresses().filter { $0.id == 90 || $0.id == 91 }
            #expect(left.map(\.status) == ["active", "active"])
            await #expect(throws: IPAMError.addressHeld(IPAddress("10.77.1.2")!, by: IPAMOwner(clusterID: "conformance-b", nodeName: "node-1")).self) {
                _ = try await backend.reclaim(fixture.owner("node-9"), address: IPAddress("10.77.1.2")!)
            }
        }
    }

    @Test("a restarted backend finds every address from one listing instead of a request per node")
    func restart() async throws {
        try await NetBoxTestServer.with { server in
            let first = try server.backend()
            var reserved: [IPAllocation] = []
            for index in 0..<20 { reserved.append(try await first.reserve(fixture.owner("node-\(index)"), zone: "zone-b", family: .v4)) }
            let restarted = try server.backend()
            _ = try await restarted.allocations()
            await server.emulator.resetRequestCounts()
            for allocation in reserved {
                #expect(try await restarted.reserve(allocation.owner, zone: "zone-b", family: .v4) == allocation)
                #expect(try await restarted.allocation(for: allocation.owner, family: .v4) == allocation)
            }
            #expect(await server.emulator.totalRequests == 0)
        }
    }

    @Test("an address the server offers but that is never handed out is kept as reserved and skipped")
    func poolPrefix() async throws {
        let seed = NetBoxTestSeed.seed(extraPrefixes: [NetBoxSeed.Prefix(id: 200, prefix: "10.88.0.0/29", isPool: true)])
        try await NetBoxTestServer.with(seed: seed) { server in
            let configuration = server.configuration(prefixMap: [
                NetBoxZonePrefixes(zone: "pool", prefixes: [NetBoxPrefixReference(.id(200), gateway: IPAddress("10.88.0.1"))]),
            ])
            let backend = try server.backend(configuration)
            var handedOut: [IPAddress] = []
            for index in 0..<5 { handedOut.append(try await backend.reserve(fixture.owner("node-\(index)"), zone: "pool", family: .v4).address) }
            #expect(handedOut == ["10.88.0.2", "10.88.0.3", "10.88.0.4", "10.88.0.5", "10.88.0.6"].compactMap(IPAddress.init))
            await #expect(throws: IPAMError.self) { try await backend.reserve(fixture.owner("node-5"), zone: "pool", family: .v4) }
            let blocked = await server.emulator.addresses(inPrefix: 200).filter { $0.status == "reserved" }.map(\.address)
            #expect(blocked == ["10.88.0.0/29", "10.88.0.1/29", "10.88.0.7/29"])
        }
    }

    @Test("a reclaim takes back this cluster's own released address")
    func reclaimCooling() async throws {
        try await NetBoxTestServer.with { server in
            let backend = try server.backend()
            let first = try await backend.reserve(fixture.owner("node-1"), zone: "zone-b", family: .v4)
            try await backend.release(first.owner)
            let again = try await backend.reclaim(fixture.owner("node-1"), address: first.address)
            #expect(again == first)
            let stored = await server.emulator.addresses().filter { $0.address == first.cidr }
            #expect(stored.map(\.status) == ["active"] && stored.map(\.dnsName) == ["node-1"])
        }
    }
}
