// Size and memory of the shipped binaries, run as child processes against the in-memory API server.
//
// Usage: make release && make benchmarks BENCHMARKS=FootprintBenchmark
//   BENCHMARK_BINARIES=DIR        the stripped static binaries (default ../.build/static, where `make release` puts them)
//   BENCHMARK_RESYNC_MINUTES=M    how long the agent runs resyncs at its fastest period, 10 s (default 10)
//   BENCHMARK_NODES=1000,5000     the operator's node counts
// Both talk HTTPS with a bearer token to the API server, as in a cluster.
// Prints the stripped size of each binary, and VmRSS, VmHWM (peak) and threads from /proc/PID/status of the
// agent converged on 0, 100 and 1000 StaticRoutes and during its resyncs, and of the operator converged on
// 1000 and 5000 Nodes, each converged sample followed by where that RSS is (binary, C/C++ runtime, libcurl and
// its libraries, anonymous memory). Each binary starts from disk (its pages dropped from the page cache first).
// The agent configures a real network namespace as root, else runs --dry-run.
import BenchmarkSupport
import ChildProcessSupport
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import IPAddressing
import KubeClient
import KubeEmulator
import Logging
import Netlink
import OverlayAPI

let environment = ProcessInfo.processInfo.environment
let binaries = environment["BENCHMARK_BINARIES"] ?? repositoryRoot + "/.build/static"
let resyncMinutes = environment["BENCHMARK_RESYNC_MINUTES"].flatMap(Double.init) ?? 10
let nodeCounts = (environment["BENCHMARK_NODES"] ?? "1000,5000").split(separator: ",").compactMap { Int($0) }
let logger: Logger = {
    var logger = Logger(label: "footprint-benchmark")
    logger.logLevel = .error
    return logger
}()

/// Writes one line to standard output unbuffered, so lines appear as they are measured, also in a file.
func report(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: - Process memory

/// VmRSS, VmHWM (peak RSS) and thread count of a running process, from /proc/PID/status.
struct MemorySample: CustomStringConvertible {
    var residentKB = 0
    var peakKB = 0
    var threads = 0

    /// - Throws: ``BenchmarkError`` when the process has exited (gone, or a zombie not reaped yet).
    init(pid: Int32, name: String) throws {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            throw BenchmarkError(description: "\(name) exited early")
        }
        for line in status.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == ":" || $0 == " " || $0 == "\t" })
            if fields.first == "State", fields.count >= 2, fields[1] == "Z" || fields[1] == "X" {
                throw BenchmarkError(description: "\(name) exited early")
            }
            guard fields.count >= 2, let value = Int(fields[1]) else { continue }
            switch fields[0] {
            case "VmRSS": residentKB = value
            case "VmHWM": peakKB = value
            case "Threads": threads = value
            default: break
            }
        }
    }

    var description: String {
        String(format: "RSS %6.1f MB   peak %6.1f MB   threads %2d", Double(residentKB) / 1024, Double(peakKB) / 1024, threads)
    }
}

/// Where a process's resident memory is, from /proc/PID/smaps: the executable's own file, the C and C++
/// runtime libraries, libcurl with the libraries it loads, and anonymous memory (heaps, malloc arenas,
/// thread stacks). Each part's Rss and Private_Dirty (written pages: relocations, data, heap) in KB.
struct MappingBreakdown: CustomStringConvertible {
    static let runtimeLibraries = ["libc.so", "libm.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libyaml", "libsqlite3"]
    var parts: [String: (resident: Int, dirty: Int)] = [:]
    /// How many libraries libcurl brings in (the file-backed mappings outside the binary and the runtime).
    var libraryCount = 0

    init(pid: Int32) throws {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe")
        // Read to the end: procfs reports a size of 0, and a read sized from it stops after the first page.
        let file = try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/\(pid)/smaps"))
        defer { try? file.close() }
        let smaps = String(decoding: try file.readToEnd() ?? Data(), as: UTF8.self)
        var part = "other"
        var libraries = Set<String>()
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.contains("-"), fields.count >= 5, first.first?.isHexDigit == true {
                let path = fields.count > 5 ? String(fields[5]) : ""
                if path == executable {
                    part = "binary"
                } else if path.isEmpty || path == "[heap]" || path == "[stack]" || path.hasPrefix("[anon") {
                    part = "anonymous"
                } else if path.hasPrefix("/") {
                    let name = String(path.split(separator: "/").last ?? "")
                    if Self.runtimeLibraries.contains(where: { name.hasPrefix($0) }) {
                        part = "runtime"
                    } else {
                        part = "curl"
                        if !name.hasPrefix("libcurl") { libraries.insert(name) }
                    }
                } else {
                    part = "other"
                }
            } else if first == "Rss:" || first == "Private_Dirty:", fields.count >= 2, let kilobytes = Int(fields[1]) {
                var value = parts[part] ?? (0, 0)
                if first == "Rss:" { value.resident += kilobytes } else { value.dirty += kilobytes }
                parts[part] = value
            }
        }
        libraryCount = libraries.count
    }

    var description: String {
        func show(_ part: String, _ label: String) -> String {
            let value = parts[part] ?? (0, 0)
            return String(format: "%@ %.1f (dirty %.1f)", label, Double(value.resident) / 1024, Double(value.dirty) / 1024)
        }
        return "    MB: " + [
            show("binary", "binary"), show("runtime", "libc/libstdc++/libm/ld.so/libyaml"),
            show("curl", "libcurl + the \(libraryCount) libraries it loads"), show("anonymous", "heap/arenas/stacks"),
            show("other", "other"),
        ].joined(separator: ", ")
    }
}

/// Drops the file's pages from the page cache (only that file's), so a child starts from the binary as
/// read from disk: right after `make release` writes it, the kernel holds it in large folios and maps whole
/// folios at each fault, which adds one to two MB of RSS that a node reading the binary from disk does not have.
func dropFromPageCache(_ path: String) {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { return }
    _ = fsync(descriptor)  // pages not yet written back are dirty, and those stay in the cache
    _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
    close(descriptor)
}

/// One of the binaries running as a child process (swift-subprocess), its output in a log file.
struct Child: Sendable {
    let process: ChildProcess
    let name: String

    /// Runs `binary` (from disk: its pages dropped from the page cache first) with `arguments` and this process's
    /// environment plus `extra` during `body`, then stops it (SIGTERM, and waits for the exit) whether `body`
    /// returned or threw.
    static func running<T>(
        binary: String, arguments: [String], environment extra: [String: String], log: String, _ body: (Child) async throws -> T
    ) async throws -> T {
        dropFromPageCache(binary)
        let process = try await ChildProcess.launch(
            binary, arguments: arguments, environment: ProcessInfo.processInfo.environment.merging(extra) { _, new in new },
            standardOutput: .file(log), standardError: .standardOutput)
        let child = Child(process: process, name: URL(fileURLWithPath: binary).lastPathComponent)
        do {
            let result = try await body(child)
            await child.stop()
            return result
        } catch {
            await child.stop()
            throw error
        }
    }

    func sample() throws -> MemorySample {
        try MemorySample(pid: process.processIdentifier, name: name)
    }

    func breakdown() throws -> MappingBreakdown {
        try MappingBreakdown(pid: process.processIdentifier)
    }

    private func stop() async {
        process.terminate()
        _ = await process.exitStatus()
    }
}

/// Polls `condition` every 200 ms until it holds, failing after `timeout`.
func waitUntil(_ what: String, timeout: Duration, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(200))
    }
    throw BenchmarkError(description: "timed out after \(timeout) waiting for \(what)")
}

// MARK: - Emulator

/// A fresh API server with the project's CRDs, a kubeconfig for it and a client. It serves HTTPS and wants a
/// bearer token, as a real API server does: the binaries' TLS (OpenSSL, through libcurl) is part of their memory.
func startEmulator(directory: String) async throws -> (KubeEmulator, String, KubeClient) {
    let token = "footprint-" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
    let tls = try await KubeEmulator.TLS.generateSelfSigned()
    let emulator = try await KubeEmulator.start(.init(tokens: [token], tls: tls, logger: logger))
    let kubeconfig = directory + "/kubeconfig"
    try emulator.writeKubeconfig(to: kubeconfig, token: token, certificateAuthorityPEM: tls.certificatePEM)
    try await applyProjectCRDs(kubeconfig: kubeconfig)
    let client = KubeClient(
        configuration: try KubeConfiguration.load(kubeconfigPath: kubeconfig, environment: [:]),
        options: .init(rateLimited: false), logger: logger)
    return (emulator, kubeconfig, client)
}

func temporaryDirectory(_ name: String) throws -> String {
    let directory = NSTemporaryDirectory() + "footprint-\(name)-\(getpid())"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

// MARK: - Agent

/// Runs the agent on `routes` StaticRoutes until it reports all of them applied, prints its memory, and
/// with `resyncMinutes` keeps it running that long, sampling every minute.
func measureAgent(routes: Int, resyncMinutes: Double?, useNamespace: Bool) async throws {
    let directory = try temporaryDirectory("agent-\(routes)")
    let namespace = "oic-footprint-\(getpid())-\(routes)"
    defer {
        try? FileManager.default.removeItem(atPath: directory)
        if useNamespace { try? NetworkNamespace.delete(named: namespace) }
    }
    let (emulator, kubeconfig, client) = try await startEmulator(directory: directory)
    defer { Task { await emulator.shutdown() } }
    let node = "footprint-node"
    var nodeMetadata = ObjectMeta(name: node)
    nodeMetadata.labels = ["topology.kubernetes.io/zone": "dal10"]
    _ = try await client.create(Node(metadata: nodeMetadata, status: NodeStatus(addresses: [NodeAddress(type: "InternalIP", address: "192.168.100.2")])))
    _ = try await client.create(NodeOverlayIp(metadata: ObjectMeta(name: node)))
    _ = try await client.patchStatus(NodeOverlayIp.self, name: node, patch: .merge(.object(["status": .object([
        "ipAddr": .string("192.168.100.50/24"), "gateway": .string("192.168.100.1"), "subnet": .string("192.168.100.0/24"),
        "zone": .string("dal10"),
    ])])))
    for index in 0..<routes {
        let subnet = "10.\(index / 256).\(index % 256).0/24"
        _ = try await client.create(StaticRoute(metadata: ObjectMeta(name: "route-\(index)"), spec: StaticRouteSpec(subnet: subnet)))
    }
    if useNamespace { _ = try await makeBenchmarkNamespace(namespace, logger: logger) }
    var arguments = ["--kubeconfig", kubeconfig, "--ops-address", "127.0.0.1", "--ops-port", "0", "--log-level", "warning"]
    arguments += useNamespace ? ["--netns", namespace] : ["--dry-run"]
    if resyncMinutes != nil { arguments += ["--resync-seconds", "10"] }
    try await Child.running(
        binary: binaries + "/overlay-network-agent", arguments: arguments,
        environment: ["NODE_NAME": node, "INTERFACE": useNamespace ? "host0" : ""], log: directory + "/agent.log"
    ) { agent in
        try await waitUntil("the agent to apply \(routes) routes", timeout: .seconds(300)) {
            let overlay = try await client.get(NodeOverlayIp.self, name: node)
            let reported = overlay.status.routes ?? []
            return overlay.status.configuredAddress != nil && reported.count == routes && reported.allSatisfy { $0.state == .applied }
        }
        try await Task.sleep(for: .seconds(2))  // let the last status write and its watch event settle
        report("agent, \(String(routes).padding(toLength: 4, withPad: " ", startingAt: 0)) StaticRoutes, converged:       \(try agent.sample())")
        report(try agent.breakdown().description)
        guard let resyncMinutes else { return }
        var samples: [MemorySample] = []
        let minutes = Int(resyncMinutes.rounded(.up))
        for minute in 1...max(minutes, 1) {
            try await Task.sleep(for: .seconds(60 * min(1, resyncMinutes - Double(minute - 1))))
            let sample = try agent.sample()
            samples.append(sample)
            report("agent, \(routes) StaticRoutes, after \(minute) min of resyncs every 10 s: \(sample)")
        }
        if let first = samples.first, let last = samples.last {
            report(String(format: "agent RSS change over the resyncs (minute 1 to %d): %+.1f MB", samples.count, Double(last.residentKB - first.residentKB) / 1024))
        }
    }
}

// MARK: - Operator

/// Runs the operator (local SQLite backend) on `nodes` Nodes until every NodeOverlayIp has an address.
func measureOperator(nodes: Int) async throws {
    let directory = try temporaryDirectory("operator-\(nodes)")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let (emulator, kubeconfig, _) = try await startEmulator(directory: directory)
    defer { Task { await emulator.shutdown() } }
    try """
        clusterID: footprint
        ipam:
          backend: local
          local:
            database: \(directory)/ipam.db
            zones:
              bench:
                - {subnet: 10.64.0.0/16, gateway: 10.64.0.1}
        """.write(toFile: directory + "/config.yaml", atomically: true, encoding: .utf8)
    for index in 0..<nodes {
        _ = try emulator.create(json: """
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-\(index)","labels":{"topology.kubernetes.io/zone":"bench"}},
             "status":{"addresses":[{"type":"InternalIP","address":"10.1.\(index / 256).\(index % 256)"}]}}
            """)
    }
    try await Child.running(
        binary: binaries + "/overlay-ip-controller",
        arguments: [
            "--config", directory + "/config.yaml", "--kubeconfig", kubeconfig, "--namespace", "default",
            "--leader-elect", "false", "--metrics-address", "127.0.0.1:0", "--log-level", "warning",
        ],
        environment: [:], log: directory + "/operator.log"
    ) { controller in
        try await waitUntil("the operator to reserve \(nodes) addresses", timeout: .seconds(900)) {
            let objects = emulator.objects(apiVersion: "iks.ibm.com/v1alpha1", kind: "NodeOverlayIp")
            return objects.count == nodes && objects.allSatisfy { $0["status"]?["ipAddr"]?.stringValue != nil }
        }
        try await Task.sleep(for: .seconds(2))
        report("operator, \(String(nodes).padding(toLength: 5, withPad: " ", startingAt: 0)) Nodes, converged:           \(try controller.sample())")
        report(try controller.breakdown().description)
    }
}

// MARK: - Run

let products = ["overlay-network-agent", "overlay-ip-controller", "overlay-ipam"]
for product in products where !FileManager.default.isExecutableFile(atPath: binaries + "/" + product) {
    report("no \(binaries)/\(product): run `make release` first (or set BENCHMARK_BINARIES)")
    exit(2)
}
report("binaries from \(binaries) (stripped, static Swift stdlib)")
for product in products {
    let size = (try FileManager.default.attributesOfItem(atPath: binaries + "/" + product)[.size] as? NSNumber)?.doubleValue ?? 0
    report(product.padding(toLength: 24, withPad: " ", startingAt: 0) + String(format: "%6.1f MB", size / 1_000_000))
}
let useNamespace = geteuid() == 0
report(useNamespace ? "agent: real network namespace (root)" : "agent: --dry-run (simulated kernel; run as root for a real namespace)")
do {
    try await measureAgent(routes: 0, resyncMinutes: nil, useNamespace: useNamespace)
    try await measureAgent(routes: 100, resyncMinutes: resyncMinutes, useNamespace: useNamespace)
    try await measureAgent(routes: 1000, resyncMinutes: nil, useNamespace: useNamespace)
    for nodes in nodeCounts { try await measureOperator(nodes: nodes) }
} catch {
    report("footprint benchmark failed: \(error)")
    exit(1)
}
