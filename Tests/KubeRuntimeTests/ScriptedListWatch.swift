// A strict scripted list/watch fake: answers the expected requests in order and flags any other.
import KubeClient
import Synchronization
import Testing
@testable import KubeRuntime

/// Plays a script of list and watch answers. Each request must match the next step; a mismatch or a
/// request past the end of the script is recorded as a test issue and then hangs until cancelled.
final class ScriptedListWatch: ListWatchSource {
    typealias Object = Widget

    enum Ending: Sendable {
        /// The server ends the watch cleanly.
        case end
        /// The stream fails with this error.
        case fail(any Error)
        /// The stream stays open and silent until cancelled.
        case hang
    }

    enum Step: Sendable {
        case list(continueToken: String?, page: ListPage<Widget>)
        case listFailure(continueToken: String?, error: any Error)
        case watch(resourceVersion: String, events: [WatchEvent<Widget>], ending: Ending)
        case watchFailure(resourceVersion: String, error: any Error)
    }

    private let script: Mutex<[Step]>
    private let openStreams = Mutex<[AsyncThrowingStream<WatchEvent<Widget>, any Error>.Continuation]>([])
    /// Every request made, as `list <token>` / `watch <rv>`, for the test to await.
    let requests = EventLog<String>()

    init(_ steps: [Step]) {
        script = Mutex(steps)
    }

    /// Steps not yet consumed.
    var remaining: Int { script.withLock { $0.count } }

    func list(limit: Int, continueToken: String?) async throws -> ListPage<Widget> {
        requests.record("list \(continueToken ?? "-")")
        switch nextStep() {
        case .list(let token, let page)? where token == continueToken:
            return page
        case .listFailure(let token, let error)? where token == continueToken:
            throw error
        case let other:
            Issue.record("unexpected list(continue: \(continueToken ?? "nil")); script expected \(String(describing: other))")
            await hangUntilCancelled()
            throw CancellationError()
        }
    }

    func watch(resourceVersion: String, timeout: Duration) async throws -> AsyncThrowingStream<WatchEvent<Widget>, any Error> {
        requests.record("watch \(resourceVersion)")
        switch nextStep() {
        case .watch(let version, let events, let ending)? where version == resourceVersion:
            let (stream, continuation) = AsyncThrowingStream<WatchEvent<Widget>, any Error>.makeStream()
            for event in events { continuation.yield(event) }
            switch ending {
            case .end: continuation.finish()
            case .fail(let error): continuation.finish(throwing: error)
            case .hang: openStreams.withLock { $0.append(continuation) }
            }
            return stream
        case .watchFailure(let version, let error)? where version == resourceVersion:
            throw error
        case let other:
            Issue.record("unexpected watch(resourceVersion: \(resourceVersion)); script expected \(String(describing: other))")
            await hangUntilCancelled()
            throw CancellationError()
        }
    }

    private func nextStep() -> Step? {
        script.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}

/// Suspends until the calling task is cancelled.
func hangUntilCancelled() async {
    let (stream, continuation) = AsyncStream<Void>.makeStream()
    for await _ in stream {}
    withExtendedLifetime(continuation) {}
}
