// The same lifecycle with the phpIPAM backend against the phpIPAM emulator.
import Foundation
import IPAMBackends
import IPAMCore
import KubeClient
import Operator
import OverlayAPI
import PhpIPAMEmulator
import Testing

@Suite("Address lifecycle with the phpIPAM backend")
struct PhpIPAMScenarioTests {
    @Test("phpIPAM down: Reserved=False with BackendUnavailable and a Warning Event, then an address once it is back")
    func backendDownIsReportedAndRetried() async throws {
        try await OperatorHarness.with { cluster in
            let emulator = PhpIPAMEmulator()
            try await cluster.withPhpIPAM(emulator) { server in
                let configuration = try cluster.phpIPAMConfiguration(server)
                let ipam = try await cluster.backend(configuration)
                await emulator.injectFaults { $0.failNextRequests = 1_000_000 }
                let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10"])
                try await cluster.createNode("node-a", zone: "dal10")
                try await cluster.waitUntil("BackendUnavailable") {
                    try await cluster.address("node-a")?.status.conditions?.condition(ofType: "Reserved")?.reason == "BackendUnavailable"
                }
                try await cluster.waitUntil("a Warning event") {
                    cluster.emulator.objects(apiVersion: "events.k8s.io/v1", kind: "Event").contains {
                        $0["type"]?.stringValue == "Warning" && $0["reason"]?.stringValue == "BackendUnavailable"
                    }
                }
                await emulator.injectFaults { $0.failNextRequests = 0 }
                let object = try await cluster.waitUntilReserved("node-a", timeout: .seconds(30))
                #expect(object.status.ipAddr?.hasPrefix("192.168.100.") == true)
                await running.stop()
            }
        }
    }

    @Test("a dual-stack zone on phpIPAM gives every node one address of each subnet's family, never the IPv6 subnet address, and removal releases both")
    func phpIPAMDualStack() async throws {
        try await OperatorHarness.with { cluster in
            var seed = PhpIPAMSeed.example
            seed.subnets.append(.init(id: 70, cidr: "fd00:100::/64", description: "overlay IPv6", gateway: "fd00:100::1"))
            let emulator = PhpIPAMEmulator(seed: seed)
            try await cluster.withPhpIPAM(emulator) { server in
                let ipam = try await cluster.backend(try cluster.phpIPAMConfiguration(server, subnetMap: "{dal10: [7, 70]}"))
                let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10"])
                let names = ["node-a", "node-b", "node-c"]
                for name in names { try await cluster.createNode(name, zone: "dal10") }
                for name in names {
                    try await cluster.waitUntil("\(name) holds two addresses", timeout: .seconds(30)) {
                        try await cluster.address(name)?.status.ipAddrs?.count == 2
                    }
                    let object = try await cluster.waitUntilReserved(name)
                    let addresses = (object.status.ipAddrs ?? []).compactMap(AddressStatusPlanner.address(fromCIDR:))
                    #expect(addresses.map(\.family) == [.v4, .v6])
                    #expect(object.status.gateways == ["192.168.100.1", "fd00:100::1"])
                    #expect(!(object.status.ipAddrs ?? []).contains { $0.hasPrefix("fd00:100::/") || $0.hasPrefix("fd00:100::1/") })
                }
                let held = try await ipam.allocations()
                #expect(held.count == 6 && Set(held.map(\.address)).count == 6)

                try await cluster.deleteNode("node-a")
                try await cluster.waitUntil("node-a's addresses released") {
                    try await ipam.allocations(for: IPAMOwner(clusterID: "test-cluster", nodeName: "node-a")).isEmpty
                }
                #expect(try await ipam.allocations().count == 4)
                await running.stop()
            }
        }
    }

    @Test("nodes get addresses from the mapped phpIPAM subnet and removal releases them there")
    func phpIPAMLifecycle() async throws {
        try await OperatorHarness.with { cluster in
            let emulator = PhpIPAMEmulator()
            try await cluster.withPhpIPAM(emulator) { server in
                let configuration = try cluster.phpIPAMConfiguration(server)
                let ipam = try await cluster.backend(configuration)
                let running = try await cluster.startOperator(ipam: ipam, zones: ["dal10"])
                try await cluster.createNode("node-a", zone: "dal10")
                try await cluster.createNode("node-b", zone: "dal10")
                let a = try await cluster.waitUntilReserved("node-a")
                let b = try await cluster.waitUntilReserved("node-b")
                #expect(a.status.gateway == "192.168.100.1")
                #expect(a.status.ipAddr?.hasPrefix("192.168.100.") == true && a.status.ipAddr?.hasSuffix("/24") == true)
                #expect(a.status.ipAddr != b.status.ipAddr)
                let inPhpIPAM = Set(await emulator.addresses(inSubnet: 7).map(\.ip))
                for object in [a, b] {
                    let address = try #require(object.status.ipAddr.flatMap(AddressStatusPlanner.address(fromCIDR:)))
                    #expect(inPhpIPAM.contains(address.description))
                }

                try await cluster.deleteNode("node-a")
                try await cluster.waitUntil("node-a's NodeOverlayIp gone") { try await cluster.address("node-a") == nil }
                let remaining = try await ipam.allocations().map(\.owner.nodeName)
                #expect(remaining == ["node-b"])
                let aAddress = try #require(a.status.ipAddr.flatMap(AddressStatusPlanner.address(fromCIDR:)))
                // Released: the row is no longer node-a's and stays only to hold the address back for the cool-down.
                let row = await emulator.addresses(inSubnet: 7).first { $0.ip == aAddress.description }
                #expect(row?.hostname == "" && row?.fields["description"]?.hasPrefix("overlay cool-down until ") == true)
                await running.stop()
            }
        }
    }
}
