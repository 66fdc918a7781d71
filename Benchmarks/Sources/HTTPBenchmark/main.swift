// Round trips and streaming throughput of the libcurl HTTP client against a local swift-nio server.

import Foundation
import HTTP

/// How many requests each round-trip measurement sends (overridable: `BENCHMARK_REQUESTS=20000`).
let requestCount = ProcessInfo.processInfo.environment["BENCHMARK_REQUESTS"].flatMap(Int.init) ?? 5000
let clock = ContinuousClock()

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let server = try await BenchmarkServer.start()
let base = server.baseURL
let client = HTTPClient()

// 1. Sequential round trips on one keep-alive connection.
_ = try await client.send(HTTPRequest(url: base + "/warm-up"))
var before = server.acceptedConnections
var elapsed = try await clock.measure {
    for index in 0..<requestCount { _ = try await client.send(HTTPRequest(url: base + "/\(index)")) }
}
print(
    "sequential GET: \(requestCount) requests in "
        + String(format: "%.3f s = %.0f requests/s, %.1f µs each", seconds(elapsed), Double(requestCount) / seconds(elapsed),
            seconds(elapsed) / Double(requestCount) * 1e6)
        + ", \(server.acceptedConnections - before) new connections")

// 2. 32 concurrent workers.
before = server.acceptedConnections
elapsed = try await clock.measure {
    try await withThrowingTaskGroup(of: Void.self) { group in
        for worker in 0..<32 {
            group.addTask {
                for index in 0..<(requestCount / 32) {
                    _ = try await client.send(HTTPRequest(method: .post, url: base + "/\(worker)/\(index)", body: [1, 2, 3]))
                }
            }
        }
        try await group.waitForAll()
    }
}
let concurrentCount = requestCount / 32 * 32
print(
    "32 concurrent POST: \(concurrentCount) requests in "
        + String(format: "%.3f s = %.0f requests/s", seconds(elapsed), Double(concurrentCount) / seconds(elapsed))
        + ", \(server.acceptedConnections - before) new connections")

// 3. One streamed 64 MiB body read chunk by chunk.
var received = 0
elapsed = try await clock.measure {
    let response = try await client.stream(HTTPRequest(url: base + "/stream"))
    for try await chunk in response.body { received += chunk.count }
}
print(
    "streamed body: \(received >> 20) MiB in "
        + String(format: "%.3f s = %.0f MiB/s", seconds(elapsed), Double(received >> 20) / seconds(elapsed)))
try await server.stop()
