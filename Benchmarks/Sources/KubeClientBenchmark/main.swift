// Watch-line decoding, list decoding and paged listing over HTTP against the KubeEmulator, printed as numbers.

import Foundation
import KubeClient
import KubeEmulator
import Logging

/// How many objects each measurement uses (overridable: `BENCHMARK_OBJECTS=20000`).
let objectCount = ProcessInfo.processInfo.environment["BENCHMARK_OBJECTS"].flatMap(Int.init) ?? 5000
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

func nodeJSON(_ index: Int) -> String {
    """
    {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-\(index)","uid":"00000000-0000-0000-0000-\(String(format: "%012d", index))",\
    "resourceVersion":"\(index + 1)","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"topology.kubernetes.io/zone":"dal10",\
    "topology.kubernetes.io/region":"us-south","kubernetes.io/hostname":"node-\(index)"},\
    "managedFields":[{"manager":"kubelet","operation":"Update","apiVersion":"v1","time":"2026-01-01T00:00:00Z"}]},\
    "spec":{"podCIDR":"172.30.\(index % 256).0/24","providerID":"ibm://node-\(index)"},\
    "status":{"addresses":[{"type":"InternalIP","address":"10.1.\(index / 256 % 256).\(index % 256)"},{"type":"Hostname","address":"node-\(index)"}],\
    "conditions":[{"type":"Ready","status":"True","lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z",\
    "reason":"KubeletReady","message":"kubelet is posting ready status"}]}}
    """
}

// 1. Watch lines → events (pure decoding, the watcher's hot path).
let lines = (0..<objectCount).map { Array(#"{"type":"MODIFIED","object":\#(nodeJSON($0))}"#.utf8) }
let lineBytes = lines.reduce(0) { $0 + $1.count }
var decoded = 0
let decodeTime = try clock.measure {
    for line in lines where try WatchEventDecoder.decode(Node.self, line: line) != nil { decoded += 1 }
}
print(
    "watch line decoding: \(decoded) MODIFIED Node events (\(lineBytes / max(decoded, 1)) bytes each) in "
        + String(format: "%.3f s = %.0f events/s", seconds(decodeTime), Double(decoded) / seconds(decodeTime)))

// 2. Paged list over HTTP from the emulator (limit 500), including JSON decoding of every page.
var logger = Logger(label: "kube-client.benchmark")
logger.logLevel = .error
let emulator = try await KubeEmulator.start(.init(tokens: ["bench"], logger: logger))
for index in 0..<objectCount { try emulator.create(json: nodeJSON(index).replacingOccurrences(of: #""resourceVersion":"\#(index + 1)","#, with: "")) }
let client = KubeClient(
    configuration: KubeConfiguration(server: emulator.url, credentials: .token("bench")),
    options: .init(rateLimited: false), logger: logger)
_ = try await client.list(Node.self, options: ListOptions(limit: 1))  // warm up the connection
for round in 1...3 {
    var items = 0
    let listTime = try await clock.measure {
        items = try await client.listAll(Node.self, options: ListOptions(limit: 500)).items.count
    }
    print(
        "listAll over HTTP (round \(round)): \(items) Nodes in pages of 500 in "
            + String(format: "%.3f s = %.0f objects/s", seconds(listTime), Double(items) / seconds(listTime)))
}

// 3. Sequential GETs over one keep-alive connection (request overhead of client + emulator).
let gets = min(objectCount, 2000)
let getTime = try await clock.measure {
    for index in 0..<gets { _ = try await client.get(Node.self, name: "node-\(index)") }
}
print(String(format: "sequential GET: %d requests in %.3f s = %.0f requests/s", gets, seconds(getTime), Double(gets) / seconds(getTime)))
await emulator.shutdown()
