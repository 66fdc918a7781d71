// Over-HTTP tests against the KubeEmulator: the watcher loses no event through reconnects and 410s.
import KubeClient
import KubeEmulator
import Synchronization
import Testing
@testable import KubeRuntime

@Suite("Watcher over HTTP", .timeLimit(.minutes(2)))
struct EmulatorWatcherTests {
    /// Fast retries so the test spends its time on the faults, not on waiting.
    let configuration = WatcherConfiguration(
        pageSize: 7, watchTimeout: .seconds(20),
        backoff: .init(initial: .milliseconds(10), maximum: .milliseconds(200)))

    /// The server's ConfigMaps as name → resourceVersion.
    func serverState(_ emulator: KubeEmulator) -> [String: String] {
        var state: [String: String] = [:]
        for object in emulator.objects(apiVersion: "v1", kind: "ConfigMap") {
            guard let name = object["metadata"]?["name"]?.stringValue, object["metadata"]?["namespace"]?.stringValue == "default" else { continue }
            state[name] = object["metadata"]?["resourceVersion"]?.stringValue
        }
        return state
    }

    @Test("list and watch through closed watches, forced 410s and failed requests end equal to the server")
    func losesNoEvent() async throws {
        try await withEmulator { emulator, client in
            let store = Store<ConfigMap>()
            let errors = Mutex(0)
            let watcher = Watcher(source: KubeClientListWatch<ConfigMap>(client: client, namespace: "default"), configuration: configuration)
            // Some objects exist before the first list, so it pages.
            for index in 0..<20 { _ = try await client.create(ConfigMap("seed-\(index)", data: ["v": "0"])) }
            let task = Task {
                await watcher.run(onError: { _ in errors.withLock { $0 += 1 } }, onEvent: { store.apply($0) })
            }
            await store.waitUntilReady()
            var generator = SplitMix(seed: 42)
            for step in 0..<300 {
                let name = "cm-\(generator.next() % 40)"
                switch generator.next() % 3 {
                case 0:
                    _ = try? await client.create(ConfigMap(name, data: ["v": "\(step)"]))
                case 1:
                    // PATCH, not GET+PUT: GETs of configmaps are the watcher's alone, so faults can target them.
                    let patch: JSONValue = ["data": ["v": .string("\(step)")]]
                    _ = try? await client.patch(ConfigMap.self, name: name, namespace: "default", patch: .merge(patch))
                default:
                    _ = try? await client.delete(ConfigMap.self, name: name, namespace: "default")
                }
                switch step % 50 {
                case 10:
                    // A clean end: re-watch from the last RV.
                    emulator.closeAllWatches()
                case 20:
                    // The re-watch is refused with HTTP 410: relist.
                    emulator.failNextRequests(1, status: 410, pathContaining: "configmaps", method: "GET")
                    emulator.closeAllWatches()
                case 30:
                    // The re-watch fails a few times (backoff) while writes go on...
                    emulator.failNextRequests(3, status: 500, pathContaining: "configmaps", method: "GET")
                    emulator.closeAllWatches()
                case 32:
                    // ...and the history is compacted meanwhile, so the watcher usually comes back too old: 410.
                    emulator.compactHistory()
                case 40:
                    emulator.sendBookmarks()
                default:
                    break
                }
            }
            let expected = serverState(emulator)
            await store.waitUntil { objects in
                Dictionary(uniqueKeysWithValues: objects.map { ($0.key.name, $0.value.metadata.resourceVersion ?? "") }) == expected
            }
            task.cancel()
            await task.value
            let cached = Dictionary(uniqueKeysWithValues: store.objects.map { ($0.metadata.name, $0.metadata.resourceVersion ?? "") })
            #expect(cached == expected)
            #expect(errors.withLock { $0 } > 0, "the faults should have produced watcher errors")
        }
    }
}

/// A small deterministic random generator so the workload is the same on every run.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
