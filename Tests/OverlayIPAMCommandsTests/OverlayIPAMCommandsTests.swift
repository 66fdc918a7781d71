// The overlay-ipam commands run in-process: output, exit status, and one-line errors.

import Foundation
import TestSupport
import Testing

@Suite("overlay-ipam commands")
struct OverlayIPAMCommandsTests {
    @Test("reserve prints the allocation with the address in CIDR form, and is idempotent")
    func reservePrintsAllocation() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let first = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal10"])
            #expect(first.status == 0)
            #expect(first.standardError == "")
            #expect(first.standardOutput
                == "prod-dal/node-1 192.168.100.3/29 gateway 192.168.100.1 zone dal10 subnet 192.168.100.0/29\n")
            let again = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal10"])
            #expect(again.standardOutput == first.standardOutput)
        }
    }

    @Test("reserve --output json prints one object for the node: the primary address at the top and every address in allocations")
    func reserveJSON() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let result = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal12", "--output", "json"])
            #expect(result.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            #expect(object["address"] as? String == "192.168.102.2/24")
            #expect(object["owner"] as? String == "prod-dal/node-1")
            #expect(object["gateway"] as? String == "192.168.102.1")
            #expect(object["zone"] as? String == "dal12")
            let allocations = try #require(object["allocations"] as? [[String: String]])
            #expect(allocations == [["family": "IPv4", "address": "192.168.102.2/24", "gateway": "192.168.102.1", "subnet": "192.168.102.0/24"]])
        }
    }

    @Test("release frees the node's address and succeeds when there is nothing to release")
    func releaseIsIdempotent() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            _ = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal10"])
            let released = await harness.run(["release", "--owner", "node-1"])
            #expect(released.status == 0)
            #expect(released.standardOutput == "released 192.168.100.3/29 held by prod-dal/node-1\n")
            let again = await harness.run(["release", "--owner", "node-1"])
            #expect(again.status == 0)
            #expect(again.standardOutput == "prod-dal/node-1 holds no address; nothing to release\n")
        }
    }

    @Test("show prints usage per zone and subnet and the allocations as a table")
    func showTable() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            for node in ["node-1", "node-2", "node-3"] {
                _ = await harness.run(["reserve", "--owner", node, "--zone", "dal10"])
            }
            _ = await harness.run(["release", "--owner", "node-2"])
            let result = await harness.run(["show"])
            #expect(result.status == 0)
            #expect(result.standardOutput == """
                cluster prod-dal, local backend

                ZONE   SUBNET            GATEWAY        ASSIGNABLE  USED  COOLING  FREE
                dal10  192.168.100.0/29  192.168.100.1           4     2        1     1
                dal10  192.168.101.0/30  192.168.101.1           1     0        0     1
                dal12  192.168.102.0/24  192.168.102.1         253     0        0   253

                NODE    ADDRESS           GATEWAY        ZONE   SUBNET
                node-1  192.168.100.3/29  192.168.100.1  dal10  192.168.100.0/29
                node-3  192.168.100.5/29  192.168.100.1  dal10  192.168.100.0/29

                """)
        }
    }

    @Test("show --output json groups subnets by zone with counts and allocations")
    func showJSON() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            _ = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal12"])
            let result = await harness.run(["show", "-o", "json"])
            #expect(result.status == 0)
            struct Report: Decodable {
                struct Zone: Decodable { var name: String; var subnets: [Subnet] }
                struct Subnet: Decodable {
                    var subnet: String; var used: Int; var free: Int; var coolingDown: Int; var assignable: Int
                    var allocations: [Allocation]
                }
                struct Allocation: Decodable { var node: String; var address: String }
                var clusterID: String
                var backend: String
                var zones: [Zone]
            }
            let report = try JSONDecoder().decode(Report.self, from: Data(result.standardOutput.utf8))
            #expect(report.clusterID == "prod-dal")
            #expect(report.backend == "local")
            #expect(report.zones.map(\.name) == ["dal10", "dal12"])
            #expect(report.zones[0].subnets.map(\.subnet) == ["192.168.100.0/29", "192.168.101.0/30"])
            let dal12 = report.zones[1].subnets[0]
            #expect((dal12.assignable, dal12.used, dal12.coolingDown, dal12.free) == (253, 1, 0, 252))
            #expect(dal12.allocations.map(\.address) == ["192.168.102.2/24"])
            #expect(dal12.allocations.map(\.node) == ["node-1"])
        }
    }

    @Test("the configuration file defaults to $OVERLAY_IPAM_CONFIG")
    func configFromEnvironment() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let result = await harness.run(
                ["reserve", "--owner", "node-1", "--zone", "dal12"], withConfig: false,
                environment: ["OVERLAY_IPAM_CONFIG": harness.configPath])
            #expect(result.status == 0)
            #expect(result.standardOutput.contains("192.168.102.2/24"))
        }
    }

    @Test("without --config or $OVERLAY_IPAM_CONFIG a command fails with one line saying how to fix it")
    func missingConfiguration() async {
        let result = await CommandHarness.run(["show"])
        #expect(result.status == 1)
        #expect(result.standardOutput == "")
        #expect(result.errorLines == ["error: no configuration file: pass --config FILE or set OVERLAY_IPAM_CONFIG"])
    }

    @Test("a configuration file that does not exist fails with one line naming it")
    func unreadableConfiguration() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let path = directory.file("nope.yaml")
            let result = await CommandHarness.run(["show", "--config", path])
            #expect(result.status == 1)
            #expect(result.errorLines == ["error: cannot read configuration file \(path): no such file"])
        }
    }

    @Test("a bad configuration fails with its first problem and the count of the others on one line")
    func invalidConfiguration() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let path = try directory.write("""
                clusterID: prod-dal
                ipam:
                  local:
                    database: \(directory.file("ipam.db"))
                    zones:
                      dal10:
                        - {subnet: 192.168.100.0/24, gateway: 10.0.0.1}
                        - {subnet: 192.168.200.0/24, reserved: ["10.9.9.9"]}
                """, to: "bad.yaml")
            let result = await CommandHarness.run(["reserve", "--owner", "n", "--zone", "dal10", "--config", path])
            #expect(result.status == 1)
            #expect(result.errorLines.count == 1)
            let line = try #require(result.errorLines.first)
            #expect(line.hasPrefix("error: \(path): ipam.local.zones.dal10[0].gateway: "))
            #expect(line.contains("(and 1 more problem; `overlay-ipam config validate -f \(path)` lists them all)"))
        }
    }

    @Test("config validate lists every problem on its own line and exits non-zero")
    func validateInvalid() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let path = try directory.write("""
                clusterID: prod-dal
                ipam:
                  local:
                    database: /tmp/x.db
                    zones:
                      dal10:
                        - {subnet: 192.168.100.0/24, gateway: 10.0.0.1}
                        - {subnet: 192.168.200.0/24, reserved: ["10.9.9.9"]}
                """, to: "bad.yaml")
            let result = await CommandHarness.run(["config", "validate", "-f", path])
            #expect(result.status == 1)
            #expect(result.errorLines.count == 3)
            #expect(result.errorLines.first == "\(path): 2 problems")
            #expect(result.errorLines.dropFirst().allSatisfy { $0.hasPrefix("\(path): ipam.local.zones.dal10[") })
        }
    }

    @Test("config validate accepts a valid file and summarises it")
    func validateValid() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let result = await CommandHarness.run(["config", "validate", "-f", harness.configPath])
            #expect(result.status == 0)
            #expect(result.standardOutput == "\(harness.configPath): valid (cluster prod-dal, local backend at "
                + "\(directory.file("ipam.db")), 2 zones, 3 subnets)\n"
                + "  zone dal10: IPv4 only: 192.168.100.0/29 then 192.168.101.0/30\n"
                + "  zone dal12: IPv4 only: 192.168.102.0/24\n")
            #expect(!FileManager.default.fileExists(atPath: directory.file("ipam.db")), "validate must not open the database")
        }
    }

    @Test("an unknown zone fails with one line naming the configured zones")
    func unknownZone() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let result = await harness.run(["reserve", "--owner", "node-1", "--zone", "dal99"])
            #expect(result.status == 1)
            #expect(result.errorLines == [
                "error: zone dal99 has no subnets configured (configured zones: dal10, dal12); "
                    + "add it to the IPAM configuration or fix the node's zone label",
            ])
        }
    }

    @Test("an exhausted zone fails with one line naming the zone and its subnets")
    func exhaustedZone() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            for index in 0..<5 {
                let result = await harness.run(["reserve", "--owner", "node-\(index)", "--zone", "dal10"])
                #expect(result.status == 0)
            }
            let result = await harness.run(["reserve", "--owner", "node-9", "--zone", "dal10"])
            #expect(result.status == 1)
            #expect(result.errorLines == [
                "error: zone dal10 has no free address in 192.168.100.0/29, 192.168.101.0/30; "
                    + "add a subnet to the zone or release unused addresses",
            ])
        }
    }

    @Test("a missing option is a usage error on one line")
    func missingOption() async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-cli") { directory in
            let harness = try CommandHarness(directory: directory)
            let result = await harness.run(["reserve", "--zone", "dal10"])
            #expect(result.status == 64)
            #expect(result.errorLines == ["error: Missing expected argument '--owner <node>'"])
        }
    }

    @Test("an unknown subcommand is a usage error on one line")
    func unknownSubcommand() async {
        let result = await CommandHarness.run(["frobnicate"])
        #expect(result.status == 64)
        #expect(result.errorLines.count == 1)
        #expect(result.errorLines.first?.contains("frobnicate") == true)
    }

    @Test("--help prints the usage on standard output and succeeds")
    func help() async {
        let result = await CommandHarness.run(["--help"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("USAGE: overlay-ipam"))
        #expect(result.standardOutput.contains("reserve"))
        #expect(result.standardError == "")
    }
}
