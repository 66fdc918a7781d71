// Reservation throughput and cost of the local SQLite backend at 0/50/90/99 % fill of a /16, printed as a table.

import Foundation
import IPAddressing
import IPAMBackends
import IPAMCore
import IPAMLocalSQLite
import Logging

/// How many reservations each fill level's window times (overridable: `BENCHMARK_WINDOW=2000`).
let window = ProcessInfo.processInfo.environment["BENCHMARK_WINDOW"].flatMap(Int.init) ?? 500
let fillLevels = [0, 50, 90, 99]

/// How many times the whole fill is repeated on a fresh database (overridable: `BENCHMARK_ROUNDS=5`); the
/// samples of every round are pooled per fill level, which evens out noise from other processes.
let rounds = ProcessInfo.processInfo.environment["BENCHMARK_ROUNDS"].flatMap(Int.init) ?? 3

guard let prefix = IPPrefix("10.128.0.0/16"), let gateway = IPAddress("10.128.0.1") else {
    preconditionFailure("the benchmark's subnet literals parse")
}
var logger = Logger(label: "overlay-ipam.benchmark")
logger.logLevel = .error
let clock = ContinuousClock()
var measurements = fillLevels.map { FillLevelMeasurement(percent: $0, heldBefore: 0, samples: []) }
var assignable = 0

print("local SQLite backend, one /16; \(rounds) round(s), each filling a fresh database through the backend")
print("and timing \(window) sequential reservations at each fill level …")
for _ in 0..<rounds {
    let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("overlay-ipam-benchmark-\(UUID().uuidString)")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let configuration = LocalIPAMConfiguration(
        database: (directory as NSString).appendingPathComponent("ipam.db"),
        zones: [ZoneConfiguration(name: "bench", subnets: [SubnetConfiguration(subnet: prefix, gateway: gateway, reserved: [])])])
    let backend = try await IPAMBackendFactory.makeBackend(.local(configuration), clusterID: "bench", logger: logger)
    assignable = try await backend.usage().first?.assignable ?? 0

    var held = 0
    for (index, percent) in fillLevels.enumerated() {
        let target = assignable * percent / 100
        // Fill up to the level through the same API (untimed).
        while held < target {
            _ = try await backend.reserve(IPAMOwner(clusterID: "bench", nodeName: "fill-\(held)"), zone: "bench", family: .v4)
            held += 1
        }
        measurements[index].heldBefore = held
        for _ in 0..<window where held < assignable {
            let owner = IPAMOwner(clusterID: "bench", nodeName: "fill-\(held)")
            let start = clock.now
            _ = try await backend.reserve(owner, zone: "bench", family: .v4)
            measurements[index].samples.append(clock.now - start)
            held += 1
        }
    }
}
print("\(assignable) assignable addresses; \(window * rounds) timed reservations per fill level")

func format(_ value: Double, _ decimals: Int = 1) -> String { String(format: "%.\(decimals)f", value) }
func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }

let header = ["fill", "held before", "reservations/s", "mean µs", "p50 µs", "p99 µs", "p50 vs 0 %", "mean vs 0 %"]
let widths = [5, 12, 15, 9, 9, 9, 11, 12]
print("")
print(zip(header, widths).map { pad($0, $1) }.joined(separator: "  "))
let baseline = measurements.first?.meanMicroseconds ?? 1
let medianBaseline = measurements.first?.quantileMicroseconds(0.5) ?? 1
for measurement in measurements {
    let row = [
        "\(measurement.percent) %", "\(measurement.heldBefore)", format(measurement.reservationsPerSecond, 0),
        format(measurement.meanMicroseconds), format(measurement.quantileMicroseconds(0.5)),
        format(measurement.quantileMicroseconds(0.99)),
        format(measurement.quantileMicroseconds(0.5) / medianBaseline, 2) + "×", format(measurement.meanMicroseconds / baseline, 2) + "×",
    ]
    print(zip(row, widths).map { pad($0, $1) }.joined(separator: "  "))
}
// The median is the per-reservation cost; the mean also carries WAL checkpoints and scheduler noise from
// other processes on a shared machine, so it is printed but not judged.
let ratio = (measurements.last?.quantileMicroseconds(0.5) ?? 0) / medianBaseline
let meanRatio = (measurements.last?.meanMicroseconds ?? 0) / baseline
print("")
print("median cost at 99 % fill is \(format(ratio, 2))× the cost at 0 % fill (mean: \(format(meanRatio, 2))×); "
    + "requirement within 2×: \(ratio <= 2 ? "PASS" : "FAIL")")
if ratio > 2 { exit(1) }
