// Measures the controller runtime's hot paths: work-queue scheduling, the async queue driver, store writes.
import KubeClient
import KubeRuntime

/// A minimal object for store measurements.
struct Item: KubernetesObject {
    static let resource = ResourceDescriptor(
        group: "bench.example.com", version: "v1", plural: "items", kind: "Item", namespaced: false, hasStatusSubresource: false)
    var metadata: ObjectMeta
}

func measure(_ label: String, operations: Int, _ body: () async -> Void) async {
    let clock = ContinuousClock()
    let elapsed = await clock.measure { await body() }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(operations) / seconds
    print("\(label): \(operations) ops in \(elapsed) → \(Int(rate)) ops/s")
}

let keys = 100_000

await measure("WorkQueueState schedule (100k keys, 3 schedules each)", operations: keys * 3) {
    var queue = WorkQueueState<Int>(concurrency: 8)
    for round in 0..<3 {
        for key in 0..<keys { queue.schedule(key, at: .milliseconds(key % 1000 + round)) }
    }
}

await measure("WorkQueueState schedule+run+finish (100k keys)", operations: keys) {
    var queue = WorkQueueState<Int>(concurrency: 8)
    for key in 0..<keys { queue.schedule(key, at: .zero) }
    while case .run(let key) = queue.next(now: .seconds(1)) {
        queue.finish(key, reschedule: nil)
    }
}

await measure("WorkQueue driver, no-op work, concurrency 8 (100k keys)", operations: keys) {
    let queue = WorkQueue<Int>(concurrency: 8)
    let done = AsyncStream<Void>.makeStream()
    let counter = Counter(target: keys) { done.continuation.yield() }
    let runner = Task { await queue.run { _ in counter.increment(); return .succeeded(requeueAfter: nil) } }
    queue.scheduleAll(0..<keys)
    var iterator = done.stream.makeAsyncIterator()
    await iterator.next()
    queue.stop()
    await runner.value
}

await measure("Store apply (100k objects, then 100k updates)", operations: keys * 2) {
    let store = Store<Item>()
    store.apply(.initStarted)
    for index in 0..<keys { store.apply(.initApply(Item(metadata: ObjectMeta(name: "item-\(index)")))) }
    store.apply(.initDone)
    for index in 0..<keys { store.apply(.apply(Item(metadata: ObjectMeta(name: "item-\(index)")))) }
}
