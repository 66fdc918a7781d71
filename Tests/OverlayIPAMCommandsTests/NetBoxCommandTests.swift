// overlay-ipam with the NetBox backend: config validate, reserve, show, check and release against the NetBox emulator.
import Foundation
import Logging
import NetBoxEmulator
import OverlayIPAMCommands
import Synchronization
import Testing
import TestSupport

@Suite("overlay-ipam with the NetBox backend")
struct NetBoxCommandTests {
    /// Runs `body` with the recorded NetBox and a configuration file for its prefixes 1 (dal10) and 2 (dal12).
    func withNetBox(_ body: (String, NetBoxEmulator) async throws -> Void) async throws {
        try await withTemporaryDirectory(prefix: "overlay-ipam-netbox") { directory in
            let emulator = NetBoxEmulator()
            let server = try await NetBoxServer.start(emulator: emulator)
            do {
                let token = try directory.write(NetBoxSeed.exampleToken.secret, to: "token")
                let config = try directory.write("""
                    clusterID: prod-dal
                    ipam:
                      backend: netbox
                      netbox:
                        url: \(server.baseURL)
                        credentials: {tokenFile: \(token)}
                        tag: overlay
                        clusterField: owner_cluster
                        prefixMap: {dal10: [1], dal12: [192.168.111.0/28]}
                    """, to: "config.yaml")
                try await body(config, emulator)
            } catch {
                await server.shutdown()
                throw error
            }
            await server.shutdown()
        }
    }

    /// Runs `overlay-ipam` with the cluster answering `recorded` for its NodeOverlayIps.
    func run(_ arguments: [String], config: String, recorded: [String: String?] = [:]) async -> CommandResult {
        let output = Mutex<(out: String, err: String)>(("", ""))
        let context = CommandContext(
            environment: [:],
            write: { stream, text in output.withLock { stream == .standardOutput ? ($0.out += text) : ($0.err += text) } },
            makeLogger: { _ in
                var logger = Logger(label: "overlay-ipam.test")
                logger.logLevel = .critical
                return logger
            },
            listRecordedAddresses: { _ in recorded.mapValues { $0.map { [$0] } ?? [] } })
        let status = await OverlayIPAM.run(arguments: arguments + ["--config", config], context: context)
        let (out, err) = output.withLock { $0 }
        return CommandResult(status: status, standardOutput: out, standardError: err)
    }

    @Test("config validate summarises the NetBox section")
    func validate() async throws {
        try await withNetBox { config, _ in
            let result = await run(["config", "validate"], config: config)
            #expect(result.status == 0)
            #expect(result.standardOutput.contains(": valid (cluster prod-dal, netbox backend at http://127.0.0.1:"))
            #expect(result.standardOutput.contains(", 2 zones, 2 prefixes)\n"))
            #expect(result.standardOutput.hasSuffix("  zone dal12: address families are read from the IPAM server at start (dual-stack when it has subnets of both)\n"))
        }
    }

    @Test("reserve, show, check and release work on NetBox")
    func commands() async throws {
        try await withNetBox { config, emulator in
            let reserved = await run(["reserve", "--owner", "node-1", "--zone", "dal10"], config: config)
            #expect(reserved.status == 0, "\(reserved.standardError)")
            #expect(reserved.standardOutput == "prod-dal/node-1 192.168.110.2/24 gateway 192.168.110.1 zone dal10 subnet 192.168.110.0/24\n")
            _ = await run(["reserve", "--owner", "node-2", "--zone", "dal12"], config: config)

            let shown = await run(["show"], config: config)
            #expect(shown.status == 0)
            #expect(shown.standardOutput.contains("cluster prod-dal, netbox backend"))
            #expect(shown.standardOutput.contains("dal10  192.168.110.0/24  192.168.110.1         252     1        0   251"))
            #expect(shown.standardOutput.contains("dal12  192.168.111.0/28  192.168.111.1          13     1        0    12"))
            #expect(shown.standardOutput.contains("node-2  192.168.111.2/28  192.168.111.1  dal12  192.168.111.0/28"))

            let drift = await run(["check"], config: config, recorded: ["node-1": "192.168.110.2/24"])
            #expect(drift.status == 2)
            #expect(drift.standardOutput.contains("leaked   192.168.111.2/28 (zone dal12) held for node-2, which has no NodeOverlayIp"))

            let released = await run(["release", "--owner", "node-2"], config: config)
            #expect(released.status == 0)
            #expect(released.standardOutput == "released 192.168.111.2/28 held by prod-dal/node-2\n")
            #expect(await emulator.addresses().first { $0.address == "192.168.111.2/28" }?.status == "deprecated")
        }
    }
}
