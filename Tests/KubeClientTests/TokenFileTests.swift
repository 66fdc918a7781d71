// Tests of token-file credentials: periodic re-read, keeping the last good token, 401 refresh.
import Synchronization
import Testing

@testable import KubeClient

/// A fake file system of one token file whose content or failure the test controls.
private final class FakeTokenFile: Sendable {
    private let content = Mutex<String?>("first\n")
    private let readCount = Mutex(0)

    var reads: Int { readCount.withLock { $0 } }
    func set(_ text: String?) { content.withLock { $0 = text } }

    func read(_ path: String) throws -> String {
        readCount.withLock { $0 += 1 }
        guard let text = content.withLock({ $0 }) else { throw UnreadableFileError() }
        return text
    }

    struct UnreadableFileError: Error {}
}

@Suite("Token file credentials")
struct TokenFileTests {
    @Test("the token is cached for a minute and re-read after it")
    func rereadAfterInterval() {
        let clock = ManualTestClock()
        let file = FakeTokenFile()
        let credentials = TokenFileCredentials(path: "/sa/token", clock: clock, readFile: file.read)
        #expect(credentials.token() == "first")
        file.set("second")
        clock.advance(by: .seconds(59))
        #expect(credentials.token() == "first")
        #expect(file.reads == 1)
        clock.advance(by: .seconds(1))
        #expect(credentials.token() == "second")
        #expect(file.reads == 2)
    }

    @Test("a failed or empty read keeps the last good token")
    func keepLastGoodToken() {
        let clock = ManualTestClock()
        let file = FakeTokenFile()
        let credentials = TokenFileCredentials(path: "/sa/token", clock: clock, readFile: file.read)
        #expect(credentials.token() == "first")
        file.set(nil)
        clock.advance(by: .seconds(61))
        #expect(credentials.token() == "first")
        file.set("  \n")
        clock.advance(by: .seconds(61))
        #expect(credentials.token() == "first")
        file.set("third")
        clock.advance(by: .seconds(61))
        #expect(credentials.token() == "third")
    }

    @Test("after a 401 the file is re-read at once and a retry is advised only when the token changed")
    func refreshAfterUnauthorized() {
        let clock = ManualTestClock()
        let file = FakeTokenFile()
        let credentials = TokenFileCredentials(path: "/sa/token", clock: clock, readFile: file.read)
        let used = credentials.authorization()
        #expect(used == "Bearer first")
        #expect(!credentials.refreshAfterUnauthorized(used: used))
        file.set("rotated")
        #expect(credentials.refreshAfterUnauthorized(used: used))
        #expect(credentials.authorization() == "Bearer rotated")
    }
}
