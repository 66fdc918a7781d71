// The agent reports in configuredAddress what the overlay device holds, also after a failed or refused step.
@testable import Agent
import IPAddressing
import KubeClient
import Logging
import Netlink
import OverlayAPI
import Testing

private let overlayCIDR = "192.168.100.50/24"

/// A refusing kernel over a simulated one whose host NIC holds the cluster Node's InternalIP.
private func refusingKernel() throws -> RefusingKernel {
    let hostAddress = try #require(OverlayAddress(cidr: "10.77.0.10/24"))
    return RefusingKernel(base: SimulatedKernel(hostInterface: "host0", hostAddress: hostAddress, logger: Logger(label: "address-report-test")))
}

/// The addresses the simulated overlay device holds, in CIDR form; empty when there is no device.
private func deviceAddresses(_ kernel: RefusingKernel) async throws -> [String] {
    let snapshot = try await kernel.base.snapshot()
    guard let device = snapshot.link(named: "tmp0") else { return [] }
    return snapshot.addresses(onLinkIndex: device.index).map(\.cidr)
}

/// Runs `body` once an agent on a refusing kernel has configured and reported `overlayCIDR`.
private func withConfiguredAgent(_ body: (AgentCluster, RefusingKernel) async throws -> Void) async throws {
    try await AgentCluster.with(hostIP: "10.77.0.10") { cluster in
        let kernel = try refusingKernel()
        try await cluster.createOverlay(ipAddr: overlayCIDR)
        let agent = cluster.startAgent(on: kernel)
        defer { agent.cancel() }
        try await cluster.waitUntil("the address reported") { try await cluster.overlay().status.configuredAddress == overlayCIDR }
        try await body(cluster, kernel)
    }
}

/// The overlay device of the snapshot tests: macvlan `tmp0`, index 5.
private let device = Link(index: 5, name: "tmp0", kind: "macvlan")

/// `text/length` on `tmp0` (#5).
private func address(_ text: String, _ length: Int) throws -> InterfaceAddress {
    InterfaceAddress(address: try #require(IPAddress(text)), prefixLength: length, interfaceIndex: 5, flags: .permanent)
}

/// The addresses `snapshot` reports for `device` with `published` as the status's addresses.
private func reported(_ snapshot: KernelSnapshot, on device: String = "tmp0", published: [String]) -> [String] {
    snapshot.overlayAddresses(onDevice: device, published: published.compactMap { IPAddress($0) }).map(\.description)
}

@Suite("Agent address report")
struct AddressReportTests {
    @Test("a refused device deletion keeps the address reported; configuredAddress clears only once the kernel no longer holds it")
    func refusedDeletionKeepsAddressReported() async throws {
        try await withConfiguredAgent { cluster, kernel in

            kernel.refuse { step in
                if case .device(.delete) = step { true } else { false }
            }
            _ = try await cluster.client.delete(NodeOverlayIp.self, name: cluster.nodeName)  // held: deletionTimestamp set
            try await cluster.waitUntil("a pass whose device deletion was refused") {
                cluster.outcome?.problems.contains { $0.contains("refused by the test") } ?? false
            }
            #expect(try await deviceAddresses(kernel) == [overlayCIDR])
            #expect(cluster.outcome?.report.configuredAddress == overlayCIDR)
            #expect(try await cluster.overlay().status.configuredAddress == overlayCIDR, "the operator must not see the address as removed")

            kernel.refuse { _ in false }
            try await cluster.waitUntil("the device gone and configuredAddress cleared") {
                let status = try await cluster.overlay().status
                return try await kernel.base.snapshot().link(named: "tmp0") == nil && status.configuredAddress == nil
            }
        }
    }

    @Test("a refused removal of a stale address leaves the overlay address on the device and in the report")
    func refusedStaleRemovalKeepsAddressReported() async throws {
        try await withConfiguredAgent { cluster, kernel in

            // Someone adds a second address to the overlay device, and the kernel refuses its removal.
            var stale = NodePlan()
            stale.addressActions = [.add(try #require(OverlayAddress(cidr: "192.168.100.99/24")))]
            #expect(await kernel.base.execute(stale, deviceName: "tmp0").failures.isEmpty)
            kernel.refuse { step in
                if case .address(.remove) = step { true } else { false }
            }
            try await cluster.createRoute("wakes-the-agent", subnet: "10.9.0.0/16")
            try await cluster.waitUntil("a pass whose stale-address removal was refused") {
                cluster.outcome?.problems.contains { $0.contains("refused by the test") } ?? false
            }
            #expect(try await deviceAddresses(kernel) == [overlayCIDR, "192.168.100.99/24"])
            #expect(try await cluster.overlay().status.configuredAddress == overlayCIDR)
        }
    }

    @Test("when the kernel cannot be read back after the device was deleted, the report keeps the address it held before")
    func unreadableKernelKeepsAddressReported() async throws {
        try await withConfiguredAgent { cluster, kernel in

            kernel.failReadsAfterDeviceDeletion()
            _ = try await cluster.client.delete(NodeOverlayIp.self, name: cluster.nodeName)  // held: deletionTimestamp set
            try await cluster.waitUntil("a pass that could not read the kernel back") {
                cluster.problems.contains { $0.contains("reading the kernel state back") }
            }
            #expect(try await kernel.base.snapshot().link(named: "tmp0") == nil, "the device was deleted")
            #expect(try await cluster.overlay().status.configuredAddress == overlayCIDR, "unknown is reported as still held")

            kernel.restoreReads()
            try await cluster.waitUntil("configuredAddress cleared once the kernel is read") {
                try await cluster.overlay().status.configuredAddress == nil
            }
        }
    }

    @Test("the reported address is the published one when the device holds it, else another address on it, never link-local")
    func reportedAddressChoice() throws {
        let linkLocal = try address("fe80::1", 64)
        let stale = try address("192.168.100.99", 24)
        let published = try address("192.168.100.50", 24)
        let snapshot = KernelSnapshot(links: [device], addresses: [linkLocal, stale, published])
        #expect(reported(snapshot, published: ["192.168.100.50"]) == ["192.168.100.50/24"])
        #expect(reported(snapshot, published: ["192.168.100.7"]) == ["192.168.100.99/24"])
        #expect(reported(snapshot, published: []) == ["192.168.100.99/24"])
        #expect(reported(KernelSnapshot(links: [device], addresses: [linkLocal]), published: []).isEmpty)
        #expect(reported(snapshot, on: "tmp1", published: ["192.168.100.50"]).isEmpty)
    }

    @Test("dual stack: one reported address per family, in the order of ipAddrs, other families after them")
    func reportedAddressesPerFamily() throws {
        let v6 = try address("fd00:100::50", 64)
        let staleV6 = try address("fd00:100::99", 64)
        let v4 = try address("192.168.100.50", 24)
        let linkLocal = try address("fe80::1", 64)
        let both = KernelSnapshot(links: [device], addresses: [linkLocal, staleV6, v6, v4])
        #expect(reported(both, published: ["192.168.100.50", "fd00:100::50"]) == ["192.168.100.50/24", "fd00:100::50/64"])
        #expect(reported(both, published: ["fd00:100::50", "192.168.100.50"]) == ["fd00:100::50/64", "192.168.100.50/24"])
        #expect(reported(both, published: ["192.168.100.50"]) == ["192.168.100.50/24", "fd00:100::99/64"], "a stale IPv6 address still held is reported")
        let onlyV6 = KernelSnapshot(links: [device], addresses: [v6])
        #expect(reported(onlyV6, published: ["192.168.100.50", "fd00:100::50"]) == ["fd00:100::50/64"])
    }
}
