// overlay-ipam on a dual-stack zone: reserve, show, release and release --from-report cover both families.
import Foundation
import TestSupport
import Testing

@Suite("overlay-ipam commands on a dual-stack zone")
struct DualStackCommandTests {
    @Test("reserve prints one line per family, IPv4 first, and is idempotent")
    func reservePrintsBothFamilies() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-ds") { directory in
            let harness = try CommandHarness(directory: directory, dualStack: true)
            let first = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14"])
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput == """
                prod-dal/node-1 192.168.104.2/24 gateway 192.168.104.1 zone dal14 subnet 192.168.104.0/24
                prod-dal/node-1 fd00:104::2/120 gateway fd00:104::1 zone dal14 subnet fd00:104::/120

                """)
            #expect(await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14"]).standardOutput == first.standardOutput)
        }
    }

    @Test("reserve -o json prints one object with the IPv4 address on top and both in allocations")
    func reserveJSONBothFamilies() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-ds") { directory in
            let harness = try CommandHarness(directory: directory, dualStack: true)
            let result = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14", "-o", "json"])
            #expect(result.status == 0, "\(result.standardError)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            #expect(object["address"] as? String == "192.168.104.2/24")
            let allocations = try #require(object["allocations"] as? [[String: String]])
            #expect(allocations.map { $0["family"] } == ["IPv4", "IPv6"])
            #expect(allocations.map { $0["address"] } == ["192.168.104.2/24", "fd00:104::2/120"])
            #expect(allocations.map { $0["gateway"] } == ["192.168.104.1", "fd00:104::1"])
        }
    }

    @Test("show lists both subnets of the zone and the node's address in each")
    func showBothFamilies() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-ds") { directory in
            let harness = try CommandHarness(directory: directory, dualStack: true)
            _ = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14"])
            let result = await harness.run(["show"])
            #expect(result.status == 0, "\(result.standardError)")
            let lines = result.standardOutput.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(lines.contains { $0.hasPrefix("dal14 fd00:104::/120 fd00:104::1 ") })
            #expect(lines.contains("node-1 192.168.104.2/24 192.168.104.1 dal14 192.168.104.0/24"))
            #expect(lines.contains("node-1 fd00:104::2/120 fd00:104::1 dal14 fd00:104::/120"))
        }
    }

    @Test("release frees both families and says so")
    func releaseBothFamilies() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-ds") { directory in
            let harness = try CommandHarness(directory: directory, dualStack: true)
            _ = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14"])
            let released = await harness.run(["release", "--owner", "node-1"])
            #expect(released.standardOutput == "released 192.168.104.2/24 and fd00:104::2/120 held by prod-dal/node-1\n")
            let show = await harness.run(["show"])
            #expect(show.standardOutput.contains("no allocations for cluster prod-dal"))
        }
    }

    @Test("check finds a dual-stack node's lost IPv6 address; release --from-report frees a gone node's two addresses at once")
    func checkAndReleaseFromReport() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-ds") { directory in
            let harness = try CommandHarness(directory: directory, dualStack: true)
            _ = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal14"])
            _ = await harness.run(["reserve", "--owner", "gone", "--zone", "dal14"])
            let lists = ["node-1": ["192.168.104.2/24", "fd00:104::9/120"]]
            let drift = await CheckCommandTests.run(["check"], harness: harness, lists: lists)
            #expect(drift.status == 2)
            #expect(drift.standardOutput.contains("missing  fd00:104::9/120 recorded for node-1; the IPAM holds fd00:104::2/120 instead"))
            #expect(drift.standardOutput.contains("leaked   192.168.104.3/24 (zone dal14) held for gone"))
            #expect(drift.standardOutput.contains("leaked   fd00:104::3/120 (zone dal14) held for gone"))

            let json = await CheckCommandTests.run(["check", "-o", "json"], harness: harness, lists: lists)
            let reportPath = try directory.write(json.standardOutput, to: "report.json")
            let release = await CheckCommandTests.run(["release", "--from-report", reportPath], harness: harness, lists: lists)
            #expect(release.status == 0, "\(release.standardError)")
            #expect(release.standardOutput == "released 192.168.104.3/24 and fd00:104::3/120 held for gone\n")
        }
    }
}
