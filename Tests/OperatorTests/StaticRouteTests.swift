// StaticRoute status aggregates simulated node reports; deletion finishes even after a reporting node left.
import Foundation
import KubeClient
import KubeRuntime
import Operator
import OverlayAPI
import TestSupport
import Testing

@Suite("StaticRoute aggregation against the emulator")
struct StaticRouteTests {
    @Test("status aggregates agent reports; deletion waits for live reporters and ignores gone nodes")
    func aggregatesAndDeletes() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.createNode("node-b", zone: "dal10")
            try await cluster.createNode("node-c", zone: "dal12")
            try await cluster.waitUntilReserved("node-a")
            try await cluster.waitUntilReserved("node-b")
            try await cluster.waitUntilReserved("node-c")
            _ = try await cluster.client.create(
                StaticRoute(metadata: ObjectMeta(name: "onprem", labels: ["zone": "dal10"]), spec: StaticRouteSpec(subnet: "10.10.0.0/24")))

            func route() async throws -> StaticRoute { try await cluster.client.get(StaticRoute.self, name: "onprem") }
            try await cluster.waitUntil("route selects 2 nodes") { try await route().status.ready == "0/2" }
            var current = try await route()
            #expect(current.metadata.finalizers.contains(Overlay.routeFinalizer))
            #expect(current.status.notApplied?.map(\.state) == ["Pending", "Pending"])
            #expect(current.status.pendingNodes == 2)
            #expect(current.status.conditions?.condition(ofType: "Ready")?.status == .false)

            let applied = RouteReport(name: "onprem", subnet: "10.10.0.0/24", gateway: "192.168.100.1", device: "overlay0", state: .applied)
            try await cluster.reportAsAgent("node-a", configuredAddress: nil, routes: [applied])
            try await cluster.reportAsAgent("node-b", configuredAddress: nil, routes: [applied])
            try await cluster.waitUntil("route ready 2/2") { try await route().status.ready == "2/2" }
            current = try await route()
            #expect(current.status.conditions?.isTrue("Ready") == true)
            #expect(current.status.notApplied == nil)
            #expect(current.status.appliedNodes == 2 && current.status.selectedNodes == 2)
            #expect(current.status.observedGeneration == current.metadata.generation)

            // node-b leaves while reporting; node-a still reports, so deletion waits for it.
            try await cluster.deleteNode("node-b")
            try await cluster.client.delete(StaticRoute.self, name: "onprem")
            try await cluster.waitUntil("deletion seen") { try await route().metadata.deletionTimestamp != nil }
            #expect(try await route().metadata.finalizers.contains(Overlay.routeFinalizer))
            try await cluster.reportAsAgent("node-a", configuredAddress: nil, routes: [])
            try await cluster.waitUntil("route gone") {
                do {
                    _ = try await route()
                    return false
                } catch let error as KubeAPIError where error.reason == .notFound {
                    return true
                }
            }
            await running.stop()
        }
    }

    @Test("an IPv6 route refused by a node without an IPv6 address counts as refused and names that node first")
    func routeOfAMissingFamilyCountsAsRefused() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let running = try await cluster.startOperator(ipam: ipam)
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.createNode("node-b", zone: "dal12")
            try await cluster.waitUntilReserved("node-a")
            try await cluster.waitUntilReserved("node-b")
            _ = try await cluster.client.create(
                StaticRoute(metadata: ObjectMeta(name: "onprem6"), spec: StaticRouteSpec(subnet: "fd00:200::/64")))
            func route() async throws -> StaticRoute { try await cluster.client.get(StaticRoute.self, name: "onprem6") }
            try await cluster.waitUntil("route selects 2 nodes") { try await route().status.selectedNodes == 2 }

            let applied = RouteReport(name: "onprem6", subnet: "fd00:200::/64", gateway: "fd00:100::1", device: "overlay0", state: .applied)
            let refused = RouteReport(
                name: "onprem6", subnet: "fd00:200::/64", state: .refused, message: "the node has no IPv6 overlay address for an IPv6 route")
            try await cluster.reportAsAgent("node-a", configuredAddress: nil, routes: [applied])
            try await cluster.reportAsAgent("node-b", configuredAddress: nil, routes: [refused])
            try await cluster.waitUntil("route 1/2 with one refusal") {
                let status = try await route().status
                return status.ready == "1/2" && status.refusedNodes == 1
            }
            let status = try await route().status
            #expect(status.appliedNodes == 1 && status.failedNodes == 0 && status.pendingNodes == 0)
            #expect(status.notApplied?.first?.hostname == "node-b" && status.notApplied?.first?.state == "Refused")
            #expect(status.notApplied?.first?.message?.contains("no IPv6 overlay address") == true)
            #expect(status.conditions?.condition(ofType: "Ready")?.status == .false)
            await running.stop()
        }
    }

    @Test("a StaticRoute whose selected node's agent never withdraws it is deleted after the configured wait, with a Warning Event naming the node")
    func deletionDoesNotWaitForeverForADeadAgent() async throws {
        try await OperatorHarness.with { cluster in
            let ipam = try await cluster.backend(try cluster.localConfiguration())
            let clock = ManualClock()
            let settings = OperatorSettings(
                clusterID: "test-cluster", releasePollInterval: .milliseconds(100), routeDeletionTimeout: .seconds(30),
                eventNamespace: "kube-system")
            let running = try await cluster.startOperator(ipam: ipam, settings: settings, policyClock: RuntimeClock(clock))
            try await cluster.createNode("node-a", zone: "dal10")
            try await cluster.waitUntilReserved("node-a")
            _ = try await cluster.client.create(StaticRoute(metadata: ObjectMeta(name: "onprem"), spec: StaticRouteSpec(subnet: "10.10.0.0/24")))
            func route() async throws -> StaticRoute { try await cluster.client.get(StaticRoute.self, name: "onprem") }
            try await cluster.waitUntil("finalizer set") { try await route().metadata.finalizers.contains(Overlay.routeFinalizer) }
            let applied = RouteReport(name: "onprem", subnet: "10.10.0.0/24", gateway: "192.168.100.1", device: "overlay0", state: .applied)
            try await cluster.reportAsAgent("node-a", configuredAddress: nil, routes: [applied])
            try await cluster.waitUntil("route ready 1/1") { try await route().status.ready == "1/1" }

            // The agent is dead from here on: it never withdraws the route.
            try await cluster.client.delete(StaticRoute.self, name: "onprem")
            try await cluster.waitUntil("deletion seen") { try await route().metadata.deletionTimestamp != nil }
            #expect(try await route().metadata.finalizers.contains(Overlay.routeFinalizer))
            try await cluster.waitUntil("route gone after the wait") {
                clock.advance(by: .seconds(31))
                do {
                    _ = try await route()
                    return false
                } catch let error as KubeAPIError where error.reason == .notFound {
                    return true
                }
            }
            let events = try await cluster.client.listAll(EventsV1Event.self, namespace: "kube-system").items
            let warning = try #require(events.first { $0.reason == "WithdrawalTimedOut" })
            #expect(warning.type == "Warning")
            #expect(warning.note?.contains("node-a") == true)
            #expect(warning.regarding.name == "onprem")
            await running.stop()
        }
    }
}
