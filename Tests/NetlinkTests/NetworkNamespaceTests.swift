// Creating and deleting named namespaces without the ip command, and veth pairs inside them.
import Foundation
import Glibc
import Netlink
import Testing
import TestSupport

@Suite("Named network namespaces", .enabled(namespaceRequirement) { await TestNetworkNamespace.isAvailable })
struct NetworkNamespaceTests {
    /// A name the leak cleaner of TestNetworkNamespace recognises (`oic-test-PID-…`).
    private func uniqueName() -> String { "oic-test-\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))" }

    @Test("a created namespace is visible to ip netns, holds only lo, takes a veth pair and is deleted")
    func lifecycle() async throws {
        let name = uniqueName()
        try await NetworkNamespace.create(named: name)
        defer { try? NetworkNamespace.delete(named: name) }
        #expect(NetworkNamespace.exists(name))
        let listed = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        #expect(listed.contains("/netns/\(name) "))

        let netlink = try await NetlinkContext(namespace: name)
        #expect(try await netlink.links().map(\.name) == ["lo"])
        let (host, peer) = try await netlink.createVethPair(named: "host0", peerName: "peer0")
        #expect(host.kind == "veth" && peer.kind == "veth")
        #expect(host.parentIndex == peer.index)
        #expect(peer.parentIndex == host.index)
        try await netlink.setLink(.name("host0"), up: true)
        try await netlink.setLink(.name("peer0"), up: true)
        let seenFromOutside = try await TestNetworkNamespace.runIP(["-n", name, "link", "show", "host0"])
        #expect(seenFromOutside.contains("host0@peer0"))

        try NetworkNamespace.delete(named: name)
        #expect(!NetworkNamespace.exists(name))
    }

    @Test("creating an existing namespace fails with EEXIST and leaves it intact")
    func createTwice() async throws {
        let name = uniqueName()
        try await NetworkNamespace.create(named: name)
        defer { try? NetworkNamespace.delete(named: name) }
        let error = await #expect(throws: NetlinkError.self) { try await NetworkNamespace.create(named: name) }
        #expect(error?.errno == EEXIST)
        #expect(try await NetlinkContext(namespace: name).link(named: "lo") != nil)
    }

    @Test("deleting a missing namespace fails with ENOENT and bad names are refused")
    func deleteMissing() throws {
        let missing = #expect(throws: NetlinkError.self) { try NetworkNamespace.delete(named: uniqueName()) }
        #expect(missing?.errno == ENOENT)
        let invalid = #expect(throws: NetlinkError.self) { try NetworkNamespace.delete(named: "../etc") }
        #expect(invalid?.errno == EINVAL)
    }

    @Test("a veth pair with a taken name fails with EEXIST")
    func vethNameTaken() async throws {
        try await TestNetworkNamespace.with { namespace in
            let netlink = try await NetlinkContext(namespace: namespace.name)
            let error = await #expect(throws: NetlinkError.self) {
                _ = try await netlink.createVethPair(named: namespace.hostInterface, peerName: "other0")
            }
            #expect(error?.isAlreadyExists == true)
        }
    }
}
