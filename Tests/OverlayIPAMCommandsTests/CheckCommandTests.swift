// Tests of `overlay-ipam check` and `release --from-report` with an injected view of the cluster.
import Foundation
import IPAMCore
import Logging
import OverlayIPAMCommands
import Synchronization
import Testing
import TestSupport

@Suite("overlay-ipam check and release --from-report")
struct CheckCommandTests {
    /// Runs `overlay-ipam` with the cluster answering `recorded` for its NodeOverlayIps.
    static func run(_ arguments: [String], harness: CommandHarness, recorded: [String: String?]) async -> CommandResult {
        await run(arguments, harness: harness, lists: recorded.mapValues { $0.map { [$0] } ?? [] })
    }

    /// Runs `overlay-ipam` with the cluster answering `lists` (node → `status.ipAddrs`) for its NodeOverlayIps.
    static func run(_ arguments: [String], harness: CommandHarness, lists: [String: [String]]) async -> CommandResult {
        let output = Mutex<(out: String, err: String)>(("", ""))
        let context = CommandContext(
            environment: [:],
            write: { stream, text in
                output.withLock { stream == .standardOutput ? ($0.out += text) : ($0.err += text) }
            },
            makeLogger: { _ in
                var logger = Logger(label: "overlay-ipam.test")
                logger.logLevel = .critical
                return logger
            },
            listRecordedAddresses: { _ in lists })
        let status = await OverlayIPAM.run(arguments: arguments + ["--config", harness.configPath], context: context)
        let (out, err) = output.withLock { $0 }
        return CommandResult(status: status, standardOutput: out, standardError: err)
    }

    @Test("check reports leaked and missing addresses and exits 2; a clean cluster exits 0")
    func reportsDrift() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try CommandHarness(directory: directory)
            #expect(await harness.run(["reserve", "--owner", "node-a", "--zone", "dal12"]).status == 0)
            #expect(await harness.run(["reserve", "--owner", "node-b", "--zone", "dal12"]).status == 0)

            let drift = await Self.run(
                ["check"], harness: harness, recorded: ["node-a": "192.168.102.2/24", "node-c": "192.168.102.77/24"])
            #expect(drift.status == 2)
            #expect(drift.standardOutput.contains("cluster prod-dal: 1 leaked, 1 missing"))
            #expect(drift.standardOutput.contains("leaked   192.168.102.3/24 (zone dal12) held for node-b, which has no NodeOverlayIp"))
            #expect(drift.standardOutput.contains("missing  192.168.102.77/24 recorded for node-c; the IPAM holds nothing for it"))

            let clean = await Self.run(
                ["check"], harness: harness, recorded: ["node-a": "192.168.102.2/24", "node-b": "192.168.102.3/24"])
            #expect(clean.status == 0)
            #expect(clean.standardOutput == "cluster prod-dal: IPAM and NodeOverlayIps agree\n")
        }
    }

    @Test("release --from-report releases the report's leaks, and --dry-run only lists them")
    func releasesFromReport() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try CommandHarness(directory: directory)
            #expect(await harness.run(["reserve", "--owner", "node-a", "--zone", "dal12"]).status == 0)
            #expect(await harness.run(["reserve", "--owner", "gone", "--zone", "dal12"]).status == 0)
            let recorded: [String: String?] = ["node-a": "192.168.102.2/24"]

            let json = await Self.run(["check", "-o", "json"], harness: harness, recorded: recorded)
            #expect(json.status == 2)
            let reportPath = try directory.write(json.standardOutput, to: "report.json")

            let dryRun = await Self.run(["release", "--from-report", reportPath, "--dry-run"], harness: harness, recorded: recorded)
            #expect(dryRun.status == 0)
            #expect(dryRun.standardOutput == "would release 192.168.102.3/24 held for gone\n")

            let release = await Self.run(["release", "--from-report", reportPath], harness: harness, recorded: recorded)
            #expect(release.status == 0)
            #expect(release.standardOutput == "released 192.168.102.3/24 held for gone\n")

            let again = await Self.run(["release", "--from-report", reportPath], harness: harness, recorded: recorded)
            #expect(again.standardOutput == "skipped  192.168.102.3/24 for gone: the IPAM no longer holds it for that node\n")
            #expect(await Self.run(["check"], harness: harness, recorded: recorded).status == 0)
        }
    }

    @Test("release needs exactly one of --owner and --from-report")
    func releaseArguments() async throws {
        try await withTemporaryDirectory { directory in
            let harness = try CommandHarness(directory: directory)
            let neither = await harness.run(["release"])
            #expect(neither.status == 64)
            #expect(neither.errorLines == ["error: pass --owner NODE or --from-report FILE"])
            let both = await harness.run(["release", "--owner", "a", "--from-report", "r.json"])
            #expect(both.errorLines == ["error: pass either --owner or --from-report, not both"])
        }
    }
}
