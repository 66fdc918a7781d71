// Measures phpIPAM round trips per reservation and reservations per second against the emulator (2 ms latency).
import Foundation
import IPAMBackends
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator

#if canImport(Glibc)
import Glibc
#endif

/// Settings of one run, from the command line: `PhpIPAMBenchmark [owners] [latency-ms] [concurrency]`.
struct BenchmarkSettings {
    var owners = 200
    var latency = Duration.milliseconds(2)
    var concurrency = 16

    init(arguments: [String]) {
        if arguments.count > 1, let value = Int(arguments[1]), value > 0 { owners = value }
        if arguments.count > 2, let value = Int(arguments[2]), value >= 0 { latency = .milliseconds(value) }
        if arguments.count > 3, let value = Int(arguments[3]), value > 0 { concurrency = value }
    }
}

/// One measured phase.
struct PhaseResult {
    var name: String
    var operations: Int
    var requests: Int
    var seconds: Double
    var routes: [String: Int]

    var line: String {
        let perOperation = Double(requests) / Double(max(operations, 1))
        let rate = Double(operations) / max(seconds, 1e-9)
        let routeText = routes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        let label = name.padding(toLength: 42, withPad: " ", startingAt: 0)
        return label + String(format: "%5d ops  %6.2f round trips/op  %8.1f ops/s   ", operations, perOperation, rate) + "[\(routeText)]"
    }
}

@main
enum PhpIPAMBenchmark {
    static func main() async throws {
        let settings = BenchmarkSettings(arguments: CommandLine.arguments)
        var seed = PhpIPAMSeed.example
        seed.subnets = [
            .init(id: 50, cidr: "10.50.0.0/21", description: "benchmark", gateway: "10.50.0.1", reserved: ["10.50.0.2", "10.50.0.3"]),
        ]
        let emulator = PhpIPAMEmulator(seed: seed)
        let server = try await PhpIPAMServer.start(emulator: emulator)
        await emulator.injectFaults { $0.latency = settings.latency }
        setenv(PhpIPAMCredentials.usernameVariable, "iks", 1)
        setenv(PhpIPAMCredentials.passwordVariable, "iks-password", 1)
        var logger = Logger(label: "phpipam-benchmark")
        logger.logLevel = .warning
        let configuration = PhpIPAMConfiguration(
            url: server.baseURL, appID: "iksnone", credentials: .environment,
            subnetMap: [PhpIPAMZoneSubnets(zone: "bench", subnetIDs: [50])])
        let owners = (0..<settings.owners).map { IPAMOwner(clusterID: "bench", nodeName: "node-\($0)") }

        print("phpIPAM backend against the emulator: \(settings.owners) owners, \(settings.latency) latency per request, concurrency \(settings.concurrency)")
        var results: [PhaseResult] = []

        let backend = try await IPAMBackendFactory.makeBackend(.phpipam(configuration), clusterID: "bench", logger: logger)
        results.append(try await measure("reserve, new owners, sequential", emulator, count: owners.count) {
            for owner in owners { _ = try await backend.reserve(owner, zone: "bench", family: .v4) }
        })
        results.append(try await measure("reserve, cached owners, sequential", emulator, count: owners.count) {
            for owner in owners { _ = try await backend.reserve(owner, zone: "bench", family: .v4) }
        })
        let restarted = try await IPAMBackendFactory.makeBackend(.phpipam(configuration), clusterID: "bench", logger: logger)
        results.append(try await measure("reserve, existing owners, new process", emulator, count: owners.count) {
            for owner in owners { _ = try await restarted.reserve(owner, zone: "bench", family: .v4) }
        })
        results.append(try await measure("release, sequential", emulator, count: owners.count) {
            for owner in owners { try await restarted.release(owner) }
        })
        results.append(try await measure("reserve, new owners, \(settings.concurrency) concurrent", emulator, count: owners.count) {
            try await concurrently(owners, width: settings.concurrency) { owner in _ = try await restarted.reserve(owner, zone: "bench", family: .v4) }
        })
        results.append(try await measure("reserve, cached owners, \(settings.concurrency) concurrent", emulator, count: owners.count) {
            try await concurrently(owners, width: settings.concurrency) { owner in _ = try await restarted.reserve(owner, zone: "bench", family: .v4) }
        })
        for result in results { print(result.line) }
        await server.shutdown()
    }

    static func measure(
        _ name: String, _ emulator: PhpIPAMEmulator, count: Int, _ body: @Sendable () async throws -> Void
    ) async throws -> PhaseResult {
        await emulator.resetRequestCounts()
        let clock = ContinuousClock()
        let start = clock.now
        try await body()
        let elapsed = start.duration(to: clock.now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return PhaseResult(
            name: name, operations: count, requests: await emulator.totalRequests, seconds: seconds,
            routes: await emulator.requestCounts)
    }

    /// Runs `work` for every item with at most `width` in flight.
    static func concurrently(_ items: [IPAMOwner], width: Int, _ work: @escaping @Sendable (IPAMOwner) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<width {
                guard let item = iterator.next() else { break }
                group.addTask { try await work(item) }
            }
            while try await group.next() != nil {
                if let item = iterator.next() { group.addTask { try await work(item) } }
            }
        }
    }
}
