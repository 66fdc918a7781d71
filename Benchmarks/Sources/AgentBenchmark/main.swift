// The agent on the real kernel in network namespaces: converge and resync of 1000 StaticRoutes beside 1000 `ip route add`
// runs, then drift repair on a dual-stack node (DriftRepairBenchmark).

import Agent
import BenchmarkSupport
import Foundation
import IPAddressing
import KubeClient
import Logging
import Netlink
import OverlayAPI
import Subprocess
import SystemPackage

/// How many routes (overridable: `BENCHMARK_ROUTES=2000`; at most 65536).
let routeCount = min(ProcessInfo.processInfo.environment["BENCHMARK_ROUTES"].flatMap(Int.init) ?? 1000, 65536)
/// How many times each measurement is repeated on fresh namespaces (overridable: `BENCHMARK_ROUNDS=5`; 0 skips it); medians are reported.
let rounds = ProcessInfo.processInfo.environment["BENCHMARK_ROUNDS"].flatMap(Int.init) ?? 3
/// How many times each kind of drift is made and repaired (overridable: `BENCHMARK_DRIFT_SAMPLES=100`; 0 skips it).
let driftSamples = ProcessInfo.processInfo.environment["BENCHMARK_DRIFT_SAMPLES"].flatMap(Int.init) ?? 50

guard geteuid() == 0 else {
    print("the agent benchmark needs root (it creates network namespaces); run it with sudo")
    exit(2)
}
var logger = Logger(label: "overlay-network-agent.benchmark")
logger.logLevel = .error

/// The i-th destination: 10.a.b.0/24 for distinct i.
func destination(_ index: Int) -> String { "10.\(index / 256).\(index % 256).0/24" }

let staticRoutes = (0..<routeCount).map { index in
    StaticRoute(metadata: ObjectMeta(name: "route-\(index)"), spec: StaticRouteSpec(subnet: destination(index)))
}
guard let overlayAddress = IPAddress("192.168.100.50"), let gateway = IPAddress("192.168.100.1") else {
    preconditionFailure("literals parse")
}
let desired = DesiredNode(
    deviceName: "tmp0", parent: .named("host0"), overlayAddress: OverlayAddress(address: overlayAddress, prefixLength: 24),
    overlaySubnet: IPPrefix("192.168.100.0/24"), overlayGateway: gateway, routes: staticRoutes)

/// One pass as the agent makes it: snapshot, plan, execute.
func pass(_ kernel: NodeKernel) async throws -> (writes: Int, failed: Int) {
    let plan = NodePlan.compute(desired: desired, kernel: try await kernel.snapshot())
    let execution = plan.isEmpty ? PlanExecution() : await kernel.execute(plan, deviceName: "tmp0")
    return (execution.writes, execution.routeFailures.count + execution.failures.count)
}

func median(_ samples: [Duration]) -> Duration { samples.sorted()[samples.count / 2] }
func milliseconds(_ duration: Duration) -> String {
    let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
    return String(format: "%9.1f ms", value)
}

let clock = ContinuousClock()
var converge: [Duration] = []
var resync: [Duration] = []
var ipRouteAdd: [Duration] = []
if rounds > 0 { print("\(routeCount) StaticRoutes in a fresh namespace, \(rounds) round(s), medians reported …") }
for round in 0..<rounds {
    let agentNamespace = "oic-bench-agent-\(getpid())-\(round)"
    let ipNamespace = "oic-bench-ip-\(getpid())-\(round)"
    defer {
        try? NetworkNamespace.delete(named: agentNamespace)
        try? NetworkNamespace.delete(named: ipNamespace)
    }
    // The agent: converge from nothing (device, address, every route), then a no-change resync.
    let netlink = try await makeBenchmarkNamespace(agentNamespace, logger: logger)
    let kernel = NodeKernel(netlink: netlink, writes: NetlinkWriteCounter(), logger: logger)
    // Converged = a pass makes no write. Here host0 shares the overlay subnet, so the first pass's routes
    // land on host0 and the second pins them to tmp0; on a real node the kernel picks tmp0 at once.
    var started = clock.now
    var result = try await pass(kernel)
    var passes = 1
    while result.writes > 0 && result.failed == 0 && passes < 3 {
        result = try await pass(kernel)
        passes += 1
    }
    converge.append(started.duration(to: clock.now))
    let installed = try await netlink.routes(in: .main, protocol: .overlayAgent).count
    guard result.failed == 0, installed == routeCount else {
        print("round \(round): converge left \(result.failed) failures and \(installed) of \(routeCount) routes after \(passes) passes")
        exit(1)
    }
    started = clock.now
    result = try await pass(kernel)
    resync.append(started.duration(to: clock.now))
    guard result.writes == 0 else {
        print("round \(round): the no-change resync made \(result.writes) writes")
        exit(1)
    }

    // The original's method: one `ip route add` process per route, in a namespace set up the same way.
    _ = try await makeBenchmarkNamespace(ipNamespace, logger: logger)
    let ip = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"].first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let ip else {
        print("no ip command found; the comparison needs iproute2")
        exit(2)
    }
    started = clock.now
    for index in 0..<routeCount {
        let status = try await Subprocess.run(
            .path(FilePath(ip)), arguments: ["-n", ipNamespace, "route", "add", destination(index), "via", "192.168.100.1"],
            output: .discarded
        ).terminationStatus
        guard status.isSuccess else {
            print("ip route add \(destination(index)) failed: \(status)")
            exit(1)
        }
    }
    ipRouteAdd.append(started.duration(to: clock.now))
}

func ratio(_ numerator: Duration, _ denominator: Duration) -> String {
    String(format: "%.1f×", (Double(numerator.components.attoseconds) / 1e18 + Double(numerator.components.seconds))
        / max(Double(denominator.components.attoseconds) / 1e18 + Double(denominator.components.seconds), 1e-9))
}
if rounds > 0 {
    let agentConverge = median(converge)
    let agentResync = median(resync)
    let original = median(ipRouteAdd)
    print("agent converge (device, address, \(routeCount) routes, until a pass writes nothing): \(milliseconds(agentConverge))")
    print("agent no-change resync (snapshot + plan, 0 writes):                  \(milliseconds(agentResync))")
    print("\(routeCount) × `ip route add` (the original's method):                 \(milliseconds(original))")
    print("ratio ip route add / agent converge: \(ratio(original, agentConverge)); ip route add / resync: \(ratio(original, agentResync))")
}

if driftSamples > 0 {
    var agentLogger = Logger(label: "overlay-network-agent")
    agentLogger.logLevel = .warning
    do {
        try await DriftRepairBenchmark(samples: driftSamples, logger: agentLogger).run()
    } catch {
        print("drift repair benchmark failed: \(error)")
        exit(1)
    }
}
