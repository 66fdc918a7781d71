// Tests of WatchEventDecoder: every event type, bookmarks, errors never decoded as the object type.
import Testing

@testable import KubeClient

@Suite("Watch line decoding")
struct WatchEventDecoderTests {
    private func decode(_ line: String) throws(KubeClientError) -> WatchEvent<Node>? {
        try WatchEventDecoder.decode(Node.self, line: Array(line.utf8))
    }

    @Test("ADDED, MODIFIED and DELETED carry the decoded object")
    func objectEvents() throws {
        let object = #"{"kind":"Node","apiVersion":"v1","metadata":{"name":"n1","resourceVersion":"5"}}"#
        let added = try #require(try decode(#"{"type":"ADDED","object":\#(object)}"# + "\n"))
        guard case .added(let node) = added else { Issue.record("expected added, got \(added)"); return }
        #expect(node.metadata.name == "n1")
        #expect(added.resourceVersion == "5")
        let modified = try #require(try decode(#"{"type":"MODIFIED","object":\#(object)}"#))
        guard case .modified = modified else { Issue.record("expected modified"); return }
        let deleted = try #require(try decode(#"{"type":"DELETED","object":\#(object)}"#))
        guard case .deleted(let last) = deleted else { Issue.record("expected deleted"); return }
        #expect(last.metadata.resourceVersion == "5")
    }

    @Test("BOOKMARK gives only the resourceVersion, even though the object lacks required fields")
    func bookmark() throws {
        let event = try decode(
            #"{"type":"BOOKMARK","object":{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"12345","annotations":{"k8s.io/initial-events-end":"true"}}}}"#)
        guard case .bookmark(let resourceVersion) = event else { Issue.record("expected bookmark, got \(String(describing: event))"); return }
        #expect(resourceVersion == "12345")
    }

    @Test("ERROR 410 Expired is a Status, not a Node")
    func errorExpired() throws {
        let event = try decode(
            #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (322)","reason":"Expired","code":410}}"#)
        guard case .error(let status) = event else { Issue.record("expected error"); return }
        #expect(status.code == 410)
        #expect(status.reason == "Expired")
        #expect(KubeAPIError(watchStatus: status).reason == .expired)
    }

    @Test("ERROR with an older server's reason Gone classifies as gone")
    func errorGone() throws {
        let event = try decode(#"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Gone","message":"x"}}"#)
        guard case .error(let status) = event else { Issue.record("expected error"); return }
        #expect(KubeAPIError(watchStatus: status).reason == .gone)
    }

    @Test("blank keep-alive lines decode to nothing")
    func blankLine() throws {
        #expect(try decode("\n") == nil)
        #expect(try decode("  \r\n") == nil)
    }

    @Test("unknown event types and malformed objects are decoding errors that quote the line")
    func malformed() {
        do {
            _ = try decode(#"{"type":"RENAMED","object":{}}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .decoding)
            #expect(error.message.contains("RENAMED"))
        }
        #expect(throws: KubeClientError.self) { try decode(#"{"type":"ADDED","object":{"kind":"Node"}}"#) }
        #expect(throws: KubeClientError.self) { try decode(#"{"type":"ADDED","#) }
        #expect(throws: KubeClientError.self) { try decode(#"{"type":"BOOKMARK","object":{"metadata":{}}}"#) }
    }
}
