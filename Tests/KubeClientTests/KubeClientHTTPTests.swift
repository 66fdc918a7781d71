// Tests of KubeClient over real HTTP against a scripted test server: headers, bodies, errors, paging,
// watch streaming and the 401 token re-read.
import Foundation
import Synchronization
import Testing
import TestSupport

@testable import KubeClient

/// Records every request the test server receives.
private final class RequestLog: Sendable {
    private let requests = Mutex<[TestHTTPServer.Request]>([])
    func append(_ request: TestHTTPServer.Request) { requests.withLock { $0.append(request) } }
    var all: [TestHTTPServer.Request] { requests.withLock { $0 } }
}

private let json = [TestHTTPServer.HeaderField("Content-Type", "application/json")]

private func nodeJSON(_ name: String, resourceVersion: String = "1") -> String {
    #"{"apiVersion":"v1","kind":"Node","metadata":{"name":"\#(name)","uid":"uid-\#(name)","resourceVersion":"\#(resourceVersion)"}}"#
}

private func statusJSON(_ code: Int, _ reason: String, _ message: String) -> String {
    #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#
}

/// Runs `body` with a client for a test server answering with `handler`, then stops the server.
private func withServer(
    credentials: KubeCredentials = .token("test-token"), options: KubeClient.Options = KubeClient.Options(rateLimited: false),
    handler: @escaping TestHTTPServer.Handler, _ body: (KubeClient, RequestLog) async throws -> Void
) async throws {
    let log = RequestLog()
    let server = try await TestHTTPServer.start { request, responder in
        log.append(request)
        try await handler(request, responder)
    }
    let client = KubeClient(
        configuration: KubeConfiguration(server: server.baseURL, credentials: credentials), options: options)
    do {
        try await body(client, log)
    } catch {
        try await server.shutdown()
        throw error
    }
    try await server.shutdown()
}

@Suite("KubeClient over HTTP")
struct KubeClientHTTPTests {
    @Test("get sends the bearer token and Accept: application/json and decodes the object")
    func getHeaders() async throws {
        try await withServer(handler: { _, responder in
            try await responder.respond(status: 200, headers: json, body: nodeJSON("n1"))
        }) { client, log in
            let node = try await client.get(Node.self, name: "n1")
            #expect(node.metadata.uid == "uid-n1")
            let request = try #require(log.all.first)
            #expect(request.method == "GET")
            #expect(request.uri == "/api/v1/nodes/n1")
            #expect(request.header("Authorization") == "Bearer test-token")
            #expect(request.header("Accept") == "application/json")
        }
    }

    @Test("create sends the object with apiVersion and kind as application/json")
    func createBody() async throws {
        try await withServer(handler: { request, responder in
            try await responder.respond(status: 201, headers: json, body: request.body)
        }) { client, log in
            let lease = Lease(metadata: ObjectMeta(name: "leader", namespace: "ops"), spec: LeaseSpec(holderIdentity: "me"))
            let created = try await client.create(lease)
            #expect(created.spec.holderIdentity == "me")
            let request = try #require(log.all.first)
            #expect(request.method == "POST")
            #expect(request.uri == "/apis/coordination.k8s.io/v1/namespaces/ops/leases")
            #expect(request.header("Content-Type") == "application/json")
            #expect(request.bodyText.contains(#""apiVersion":"coordination.k8s.io/v1""#))
            #expect(request.bodyText.contains(#""kind":"Lease""#))
        }
    }

    @Test("merge patch and JSON patch arrive with their content types; patchStatus goes to /status")
    func patchContentTypes() async throws {
        try await withServer(handler: { _, responder in
            try await responder.respond(status: 200, headers: json, body: nodeJSON("n1"))
        }) { client, log in
            _ = try await client.patchStatus(Node.self, name: "n1", patch: .merge(["status": ["phase": "x"]]))
            _ = try await client.patch(
                Node.self, name: "n1", patch: .json([.add(path: ["metadata", "labels", "a/b"], value: "c")]))
            let requests = log.all
            #expect(requests.count == 2)
            #expect(requests[0].method == "PATCH")
            #expect(requests[0].uri == "/api/v1/nodes/n1/status")
            #expect(requests[0].header("Content-Type") == "application/merge-patch+json")
            #expect(requests[0].bodyText == #"{"status":{"phase":"x"}}"#)
            #expect(requests[1].uri == "/api/v1/nodes/n1")
            #expect(requests[1].header("Content-Type") == "application/json-patch+json")
            #expect(requests[1].bodyText == #"[{"op":"add","path":"/metadata/labels/a~1b","value":"c"}]"#)
        }
    }

    @Test("non-2xx answers throw KubeAPIError decoded from the Status, with Retry-After on 429")
    func errors() async throws {
        try await withServer(handler: { request, responder in
            if request.uri.hasSuffix("/missing") {
                try await responder.respond(status: 404, headers: json, body: statusJSON(404, "NotFound", #"nodes \"missing\" not found"#))
            } else if request.uri.hasSuffix("/busy") {
                try await responder.respond(
                    status: 429, headers: json + [.init("Retry-After", "2")], body: statusJSON(429, "TooManyRequests", "slow down"))
            } else {
                try await responder.respond(status: 503, body: "upstream unavailable")
            }
        }) { client, _ in
            do {
                _ = try await client.get(Node.self, name: "missing")
                Issue.record("expected notFound")
            } catch let error as KubeAPIError {
                #expect(error.reason == .notFound)
                #expect(error.status.message == #"nodes "missing" not found"#)
            }
            do {
                _ = try await client.get(Node.self, name: "busy")
                Issue.record("expected tooManyRequests")
            } catch let error as KubeAPIError {
                #expect(error.reason == .tooManyRequests)
                #expect(error.retryAfter == .seconds(2))
            }
            do {
                _ = try await client.get(Node.self, name: "other")
                Issue.record("expected serverError")
            } catch let error as KubeAPIError {
                #expect(error.code == 503)
                #expect(error.reason == .serverError)
                #expect(error.description.contains("upstream unavailable"))
            }
        }
    }

    @Test("a response larger than maximumResponseBytes fails as a transport error")
    func responseSizeLimit() async throws {
        try await withServer(
            options: KubeClient.Options(rateLimited: false, maximumResponseBytes: 64),
            handler: { _, responder in
                try await responder.respond(status: 200, headers: json, body: nodeJSON(String(repeating: "x", count: 100)))
            }
        ) { client, _ in
            do {
                _ = try await client.get(Node.self, name: "big")
                Issue.record("expected a transport error")
            } catch let error as KubeClientError {
                #expect(error.code == .transport)
                #expect(error.message.contains("64 bytes"))
            }
        }
    }

    @Test("delete answers 202 while finalizers hold the object and 200 once it is gone")
    func deleteResults() async throws {
        try await withServer(handler: { request, responder in
            let held = request.uri.contains("held")
            try await responder.respond(status: held ? 202 : 200, headers: json, body: nodeJSON(held ? "held" : "gone"))
        }) { client, log in
            let held = try await client.delete(
                Node.self, name: "held", options: DeleteOptions(preconditions: Preconditions(uid: "uid-held")))
            guard case .pending(let object) = held else { Issue.record("expected pending"); return }
            #expect(object?.metadata.name == "held")
            #expect(log.all[0].method == "DELETE")
            #expect(log.all[0].bodyText.contains(#""preconditions":{"uid":"uid-held"}"#))
            let gone = try await client.delete(Node.self, name: "gone")
            guard case .deleted = gone else { Issue.record("expected deleted"); return }
            #expect(log.all[1].body.isEmpty)
        }
    }

    @Test("listAll follows continue tokens without resourceVersion, keeps the first page's version and restarts on 410 Expired")
    func listAllPaging() async throws {
        let expiredOnce = Mutex(false)
        try await withServer(handler: { request, responder in
            let list: String
            if request.uri.contains("continue=page2") {
                let expire = expiredOnce.withLock { done -> Bool in
                    defer { done = true }
                    return !done
                }
                if expire {
                    try await responder.respond(
                        status: 410, headers: json, body: statusJSON(410, "Expired", "The provided continue parameter is too old"))
                    return
                }
                list = #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"100"},"items":[\#(nodeJSON("c"))]}"#
            } else {
                list = #"{"kind":"NodeList","apiVersion":"v1","metadata":{"resourceVersion":"100","continue":"page2"},"items":[\#(nodeJSON("a")),\#(nodeJSON("b"))]}"#
            }
            try await responder.respond(status: 200, headers: json, body: list)
        }) { client, log in
            let all = try await client.listAll(
                Node.self, options: ListOptions(labelSelector: "zone=dal10", limit: 2, resourceVersion: "0"))
            #expect(all.items.map(\.metadata.name) == ["a", "b", "c"])
            #expect(all.metadata.resourceVersion == "100")
            #expect(
                log.all.map(\.uri) == [
                    "/api/v1/nodes?labelSelector=zone%3Ddal10&limit=2&resourceVersion=0",
                    "/api/v1/nodes?labelSelector=zone%3Ddal10&limit=2&continue=page2",
                    "/api/v1/nodes?labelSelector=zone%3Ddal10&limit=2&resourceVersion=0",
                    "/api/v1/nodes?labelSelector=zone%3Ddal10&limit=2&continue=page2",
                ])
        }
    }

    @Test("watch joins events split across chunks, passes bookmarks and errors, and ends when the server closes")
    func watchStream() async throws {
        try await withServer(handler: { _, responder in
            try await responder.startStream(status: 200, headers: json)
            let added = #"{"type":"ADDED","object":\#(nodeJSON("n1", resourceVersion: "5"))}"# + "\n"
            let middle = added.index(added.startIndex, offsetBy: 30)
            try await responder.write(String(added[..<middle]))
            try await responder.write(String(added[middle...]))
            try await responder.write(
                #"{"type":"BOOKMARK","object":{"kind":"Node","apiVersion":"v1","metadata":{"resourceVersion":"7"}}}"# + "\n"
                    + #"{"type":"NOT-A-TYPE","object":{}}"# + "\n"
                    + #"{"type":"DELETED","object":\#(nodeJSON("n1", resourceVersion: "8"))}"# + "\n"
                    + #"{"type":"ERROR","object":\#(statusJSON(410, "Expired", "too old resource version: 1 (322)"))}"# + "\n")
            try await responder.end()
        }) { client, log in
            var seen: [String] = []
            for try await event in client.watch(Node.self, options: WatchOptions(resourceVersion: "4")) {
                switch event {
                case .added(let node): seen.append("added \(node.metadata.name)@\(node.metadata.resourceVersion ?? "")")
                case .modified(let node): seen.append("modified \(node.metadata.name)")
                case .deleted(let node): seen.append("deleted \(node.metadata.name)@\(node.metadata.resourceVersion ?? "")")
                case .bookmark(let resourceVersion): seen.append("bookmark \(resourceVersion)")
                case .error(let status): seen.append("error \(status.code ?? 0) \(status.reason ?? "")")
                }
            }
            #expect(seen == ["added n1@5", "bookmark 7", "deleted n1@8", "error 410 Expired"])
            let request = try #require(log.all.first)
            #expect(request.uri == "/api/v1/nodes?watch=true&resourceVersion=4&allowWatchBookmarks=true&timeoutSeconds=290")
            #expect(request.header("Authorization") == "Bearer test-token")
        }
    }

    @Test("a watch the server refuses with HTTP 410 throws KubeAPIError gone")
    func watchRefused() async throws {
        try await withServer(handler: { _, responder in
            try await responder.respond(status: 410, headers: json, body: statusJSON(410, "Gone", "too old"))
        }) { client, _ in
            do {
                for try await _ in client.watch(Node.self, options: WatchOptions(resourceVersion: "1")) {
                    Issue.record("no events expected")
                }
                Issue.record("expected an error")
            } catch let error as KubeAPIError {
                #expect(error.reason == .gone)
            }
        }
    }

    @Test("a 401 re-reads the token file and retries once with the rotated token")
    func unauthorizedRereadsToken() async throws {
        let directory = try ScratchDirectory()
        defer { directory.remove() }
        let tokenPath = try directory.write("token", "old-token\n")
        try await withServer(credentials: .tokenFile(tokenPath), handler: { request, responder in
            if request.header("Authorization") == "Bearer new-token" {
                try await responder.respond(status: 200, headers: json, body: nodeJSON("n1"))
            } else {
                try await responder.respond(status: 401, headers: json, body: statusJSON(401, "Unauthorized", "Unauthorized"))
            }
        }) { client, log in
            do {
                _ = try await client.get(Node.self, name: "n1")
                Issue.record("expected unauthorized while the file still holds the old token")
            } catch let error as KubeAPIError {
                #expect(error.reason == .unauthorized)
            }
            #expect(log.all.count == 1)
            try directory.write("token", "new-token\n")
            let node = try await client.get(Node.self, name: "n1")
            #expect(node.metadata.name == "n1")
            #expect(log.all.map { $0.header("Authorization") ?? "" } == ["Bearer old-token", "Bearer old-token", "Bearer new-token"])
        }
    }

    @Test("requests beyond the burst wait for the rate limiter's clock")
    func rateLimitedRequests() async throws {
        let clock = ManualTestClock()
        let log = RequestLog()
        let server = try await TestHTTPServer.start { request, responder in
            log.append(request)
            try await responder.respond(status: 200, headers: json, body: nodeJSON("n1"))
        }
        let client = KubeClient(
            configuration: KubeConfiguration(server: server.baseURL), options: KubeClient.Options(qps: 1, burst: 1), clock: clock)
        _ = try await client.get(Node.self, name: "n1")
        let second = Task { try await client.get(Node.self, name: "n1") }
        await clock.waitForSleepers(1)
        #expect(log.all.count == 1)
        clock.advance(by: .seconds(1))
        _ = try await second.value
        #expect(log.all.count == 2)
        try await server.shutdown()
    }
}
