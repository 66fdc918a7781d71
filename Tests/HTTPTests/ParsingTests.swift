// Tests of the pure pieces: header parsing, line splitting, header lookup, durations, error messages.
import CCurl
import Testing

@testable import HTTP

@Suite("Response head parser")
struct ResponseHeadParserTests {
    private func feed(_ lines: [String]) -> (ResponseHead?, ResponseHeadParser) {
        var parser = ResponseHeadParser()
        var head: ResponseHead?
        for line in lines {
            if let completed = parser.consume(line: Array(line.utf8)) { head = completed }
        }
        return (head, parser)
    }

    @Test("the head is complete at the blank line and keeps repeated fields in order")
    func parsesStatusAndHeaders() throws {
        let (head, _) = feed([
            "HTTP/1.1 201 Created\r\n", "Content-Type: application/json\r\n", "Set-Cookie: a=1\r\n",
            "set-cookie: b=2\r\n", "X-Empty:\r\n", "\r\n",
        ])
        let parsed = try #require(head)
        #expect(parsed.status == 201)
        #expect(parsed.headers["content-type"] == "application/json")
        #expect(parsed.headers.values(for: "SET-COOKIE") == ["a=1", "b=2"])
        #expect(parsed.headers["x-empty"] == "")
    }

    @Test("an interim 100 Continue is skipped and only the final response's headers remain")
    func skipsInterimResponses() throws {
        let (head, _) = feed([
            "HTTP/1.1 100 Continue\r\n", "X-Interim: yes\r\n", "\r\n", "HTTP/1.1 200 OK\r\n", "X-Final: yes\r\n", "\r\n",
        ])
        let parsed = try #require(head)
        #expect(parsed.status == 200)
        #expect(parsed.headers["x-interim"] == nil)
        #expect(parsed.headers["x-final"] == "yes")
    }

    @Test("trailers after the head are ignored and folded lines join the previous value")
    func ignoresTrailersAndJoinsFoldedLines() throws {
        var parser = ResponseHeadParser()
        _ = parser.consume(line: Array("HTTP/1.1 200 OK\r\n".utf8))
        _ = parser.consume(line: Array("X-Long: first\r\n".utf8))
        _ = parser.consume(line: Array("   second\r\n".utf8))
        let completed = parser.consume(line: Array("\r\n".utf8))
        let head = try #require(completed)
        let afterHead = parser.consume(line: Array("X-Trailer: late\r\n".utf8))
        #expect(afterHead == nil)
        #expect(head.headers["x-long"] == "first second")
        #expect(parser.completedHead?.headers["x-trailer"] == nil)
    }

    @Test("status lines of HTTP/1.0 and HTTP/2 parse; garbage does not")
    func parsesStatusLines() {
        #expect(ResponseHeadParser.parseStatus("HTTP/1.0 404 Not Found") == 404)
        #expect(ResponseHeadParser.parseStatus("HTTP/2 204") == 204)
        #expect(ResponseHeadParser.parseStatus("HTTP/1.1 abc") == nil)
        #expect(ResponseHeadParser.parseStatus("HTTP/1.1") == nil)
    }
}

@Suite("Line splitter")
struct LineSplitterTests {
    @Test("lines split at every possible point across two chunks come out whole")
    func joinsLinesSplitAnywhere() {
        let text = Array("{\"a\":1}\n{\"b\":22}\r\n\n{\"c\":333}\n".utf8)
        for cut in 0...text.count {
            var splitter = LineSplitter()
            var lines = splitter.append(Array(text[..<cut]))
            lines += splitter.append(Array(text[cut...]))
            #expect(splitter.finish() == nil)
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["{\"a\":1}", "{\"b\":22}", "", "{\"c\":333}"])
        }
    }

    @Test("a last line without a newline comes out at the end")
    func keepsUnterminatedLastLine() {
        var splitter = LineSplitter()
        #expect(splitter.append(Array("one\ntw".utf8)) == [Array("one".utf8)])
        #expect(splitter.append(Array("o".utf8)).isEmpty)
        #expect(splitter.finish() == Array("two".utf8))
        #expect(splitter.finish() == nil)
    }
}

@Suite("Headers")
struct HTTPHeadersTests {
    @Test("lookup ignores case, keeps order and duplicates, and replaceOrAdd leaves one field")
    func caseInsensitiveLookup() {
        var headers: HTTPHeaders = ["Accept": "a/b", "accept": "c/d"]
        #expect(headers.values(for: "ACCEPT") == ["a/b", "c/d"])
        #expect(headers.contains(name: "aCCept"))
        headers.replaceOrAdd(name: "ACCEPT", value: "e/f")
        #expect(headers.values(for: "accept") == ["e/f"])
        headers.remove(name: "accept")
        #expect(headers.isEmpty)
    }

    @Test("credential headers are redacted in descriptions")
    func redactsCredentials() {
        let headers: HTTPHeaders = [
            "Authorization": "Bearer secret-1", "token": "secret-2", "phpipam-token": "secret-3", "Accept": "text/plain",
        ]
        let text = headers.description
        #expect(!text.contains("secret"))
        #expect(text.contains("Accept: text/plain"))
        #expect(text.contains("Authorization: <redacted>"))
    }
}

@Suite("Error mapping")
struct CurlErrorMappingTests {
    private let context = TransferFailureContext(
        url: "https://127.0.0.1:1/x", connected: true, headReceived: false, connectTimeout: .seconds(10),
        requestTimeout: .milliseconds(1500))

    @Test("a self-signed certificate failure says to pass the CA")
    func selfSignedAdvice() {
        let error = CurlErrorMapping.error(
            for: CURLE_PEER_FAILED_VERIFICATION, detail: "SSL certificate problem: self-signed certificate",
            context: context)
        guard case .tls(let message) = error else {
            Issue.record("expected a TLS error, got \(error)")
            return
        }
        #expect(message.hasPrefix("certificate verify failed (self-signed certificate)"))
        #expect(message.contains("caFile"))
        #expect(!error.isRetryable)
    }

    @Test("connection failures and timeouts are retryable and name the step")
    func retryableSteps() {
        let refused = CurlErrorMapping.error(for: CURLE_COULDNT_CONNECT, detail: "Connection refused", context: context)
        #expect(refused == .connectionFailed(
            "cannot connect to https://127.0.0.1:1/x (Connection refused): is the server running and reachable?"))
        #expect(refused.isRetryable)
        var connecting = context
        connecting.connected = false
        let connectTimeout = CurlErrorMapping.error(for: CURLE_OPERATION_TIMEDOUT, detail: "", context: connecting)
        #expect(connectTimeout.description.contains("connect timeout of 10 s"))
        let requestTimeout = CurlErrorMapping.error(for: CURLE_OPERATION_TIMEDOUT, detail: "", context: context)
        #expect(requestTimeout.description.contains("request timeout of 1.5 s"))
        #expect(requestTimeout.isRetryable)
    }

    @Test("durations convert to at least one millisecond so libcurl never reads 'no timeout'")
    func durationMilliseconds() {
        #expect(Duration.seconds(2).milliseconds == 2000)
        #expect(Duration.nanoseconds(1).milliseconds == 1)
        #expect(Duration.zero.milliseconds == 1)
        #expect(Duration.seconds(-3).milliseconds == 1)
        #expect(Duration.seconds(Int64.max).milliseconds == Int.max)
    }
}

@Suite("Stream deadlines")
struct StreamDeadlinesTests {
    private let start = ContinuousClock.now
    private var deadlines: StreamDeadlines<ContinuousClock.Instant> {
        StreamDeadlines(started: start, headTimeout: .seconds(30), idleTimeout: .seconds(5), url: "http://127.0.0.1:1/w")
    }

    @Test("before the head only the head deadline counts; past it the stream expires")
    func headDeadline() {
        let early = deadlines.verdict(
            now: start + .seconds(10), headReceived: false, lastActivity: start, pausedForBackpressure: false)
        #expect(early == .checkAgain(at: start + .seconds(30)))
        let late = deadlines.verdict(
            now: start + .seconds(30), headReceived: false, lastActivity: start + .seconds(29), pausedForBackpressure: false)
        #expect(late == .expired(.timedOut("http://127.0.0.1:1/w sent no response headers within 30 s")))
    }

    @Test("after the head only the idle deadline counts, measured from the last bytes")
    func idleDeadline() {
        let quiet = deadlines.verdict(
            now: start + .seconds(100), headReceived: true, lastActivity: start + .seconds(96), pausedForBackpressure: false)
        #expect(quiet == .checkAgain(at: start + .seconds(101)))
        let stalled = deadlines.verdict(
            now: start + .seconds(101), headReceived: true, lastActivity: start + .seconds(96), pausedForBackpressure: false)
        guard case .expired(.timedOut(let message)) = stalled else {
            Issue.record("expected the idle timeout, got \(stalled)")
            return
        }
        #expect(message.contains("no bytes for 5 s"))
    }

    @Test("time held back for a slow consumer is not idle time")
    func pausedIsNotIdle() {
        let paused = deadlines.verdict(
            now: start + .seconds(600), headReceived: true, lastActivity: start, pausedForBackpressure: true)
        #expect(paused == .checkAgain(at: nil))
    }
}
