// Lists and watches over HTTP: paging and stale continue, watch from a resourceVersion, bookmarks, timeouts, 410.
import KubeEmulator
import Testing

@Suite("Lists and watches")
struct ListWatchTests {
    @Test("paging with limit/continue keeps the snapshot resourceVersion and sees no later writes")
    func paging() async throws {
        try await withEmulator { _, client in
            for index in 0..<5 { _ = try await client.post(Fixtures.widgets, Fixtures.widget("w\(index)")) }
            let first = try await client.get("\(Fixtures.widgets)?limit=2").json
            #expect(first["items"]?.arrayValue?.compactMap(\.name) == ["w0", "w1"])
            #expect(first["metadata"]?["remainingItemCount"] == 3)
            let token = try #require(first["metadata"]?["continue"]?.stringValue)
            _ = try await client.delete("\(Fixtures.widgets)/w2")
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("w9"))
            let second = try await client.get("\(Fixtures.widgets)?limit=2&continue=\(token.addingPercentEncodingForQuery())").json
            #expect(second["items"]?.arrayValue?.compactMap(\.name) == ["w2", "w3"])
            #expect(second["metadata"]?["resourceVersion"] == first["metadata"]?["resourceVersion"])
            let last = try #require(second["metadata"]?["continue"]?.stringValue)
            let third = try await client.get("\(Fixtures.widgets)?limit=2&continue=\(last.addingPercentEncodingForQuery())").json
            #expect(third["items"]?.arrayValue?.compactMap(\.name) == ["w4"])
            #expect(third["metadata"]?["continue"] == nil)
        }
    }

    @Test("a continue token older than the history answers 410 Expired")
    func staleContinue() async throws {
        try await withEmulator { emulator, client in
            for index in 0..<3 { _ = try await client.post(Fixtures.widgets, Fixtures.widget("w\(index)")) }
            let first = try await client.get("\(Fixtures.widgets)?limit=1").json
            let token = try #require(first["metadata"]?["continue"]?.stringValue)
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("w9"))
            emulator.compactHistory()
            let response = try await client.get("\(Fixtures.widgets)?limit=1&continue=\(token.addingPercentEncodingForQuery())")
            #expect(response.status == 410)
            #expect(response.json["reason"] == "Expired")
        }
    }

    @Test("a watch without resourceVersion starts with synthetic ADDED events, then streams changes")
    func watchFromNow() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true"))
            #expect(try await events.next()?.type == "HTTP")
            let added = try await events.next()
            #expect(added?.type == "ADDED" && added?.name == "a")
            _ = try await client.mergePatch("\(Fixtures.widgets)/a", ["spec": ["size": 2]])
            let modified = try await events.next()
            #expect(modified?.type == "MODIFIED")
            #expect(modified?.object["spec"]?["size"] == 2)
        }
    }

    @Test("a watch from a resourceVersion replays only later changes, with no synthetic events")
    func watchFromResourceVersion() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            let list = try await client.get(Fixtures.widgets).json
            let version = try #require(list["metadata"]?["resourceVersion"]?.stringValue)
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("b"))
            _ = try await client.delete("\(Fixtures.widgets)/a")
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&resourceVersion=\(version)"))
            #expect(try await events.next()?.type == "HTTP")
            let first = try await events.next()
            #expect(first?.type == "ADDED" && first?.name == "b")
            let second = try await events.next()
            #expect(second?.type == "DELETED" && second?.name == "a")
            #expect(UInt64(second?.resourceVersion ?? "") ?? 0 > UInt64(first?.resourceVersion ?? "") ?? 0)
        }
    }

    @Test("a label-selected watch sees objects entering as ADDED and leaving as DELETED")
    func selectorTransitions() async throws {
        try await withEmulator { _, client in
            let configMaps = "/api/v1/namespaces/default/configmaps"
            let created = try await client.post(configMaps, Fixtures.configMap("a")).json
            var events = WatchReader(client.watch(
                "\(configMaps)?watch=true&labelSelector=app%3Dweb&resourceVersion=\(created.resourceVersion ?? "")"))
            #expect(try await events.next()?.type == "HTTP")
            _ = try await client.mergePatch("\(configMaps)/a", ["metadata": ["labels": ["app": "web"]]])
            #expect(try await events.next()?.type == "ADDED")
            _ = try await client.mergePatch("\(configMaps)/a", ["metadata": ["labels": ["app": "db"]]])
            #expect(try await events.next()?.type == "DELETED")
        }
    }

    @Test("bookmarks carry only kind, apiVersion and the current resourceVersion")
    func bookmarks() async throws {
        try await withEmulator { emulator, client in
            let created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            var events = WatchReader(client.watch(
                "\(Fixtures.widgets)?watch=true&allowWatchBookmarks=true&resourceVersion=\(created.resourceVersion ?? "")"))
            #expect(try await events.next()?.type == "HTTP")
            _ = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("c"))
            emulator.sendBookmarks()
            let bookmark = try #require(try await events.next())
            #expect(bookmark.type == "BOOKMARK")
            #expect(bookmark.object["kind"] == "Widget")
            #expect(bookmark.object["apiVersion"] == "example.com/v1")
            #expect(bookmark.resourceVersion == emulator.resourceVersion)
            #expect(bookmark.object["spec"] == nil)
        }
    }

    @Test("bookmarks also arrive on the configured interval")
    func periodicBookmarks() async throws {
        try await withEmulator(.init(bookmarkInterval: .milliseconds(50))) { _, client in
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&allowWatchBookmarks=true&resourceVersion=1"))
            var types: [String] = []
            while let event = try await events.next() {
                types.append(event.type)
                if event.type == "BOOKMARK" { break }
            }
            #expect(types.last == "BOOKMARK")
        }
    }

    @Test("timeoutSeconds ends the watch cleanly")
    func timeout() async throws {
        try await withEmulator { emulator, client in
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&timeoutSeconds=1&resourceVersion=\(emulator.resourceVersion)"))
            let start = try await events.next()
            #expect(start?.type == "HTTP")
            #expect(try await events.next() == nil)
            #expect(emulator.openWatchCount == 0)
        }
    }

    @Test("closing all watches ends every stream cleanly")
    func closeAllWatches() async throws {
        try await withEmulator { emulator, client in
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&resourceVersion=\(emulator.resourceVersion)"))
            let start = try await events.next()
            #expect(start?.type == "HTTP")
            emulator.closeAllWatches()
            #expect(try await events.next() == nil)
        }
    }

    @Test("a watch from a compacted resourceVersion gets a 410 Expired ERROR event and ends")
    func expiredWatch() async throws {
        try await withEmulator { emulator, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("b"))
            emulator.compactHistory()
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&resourceVersion=2"))
            #expect(try await events.next()?.object == .int(200))
            let error = try #require(try await events.next())
            #expect(error.type == "ERROR")
            #expect(error.object["code"] == 410)
            #expect(error.object["reason"] == "Expired")
            #expect(error.object["message"]?.stringValue?.hasPrefix("too old resource version: 2 (") == true)
            #expect(try await events.next() == nil)
        }
    }

    @Test("the history window is bounded: older starting points get 410")
    func historyWindow() async throws {
        try await withEmulator(.init(historyLimit: 3)) { _, client in
            for index in 0..<5 { _ = try await client.post(Fixtures.widgets, Fixtures.widget("w\(index)")) }
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&resourceVersion=3"))
            #expect(try await events.next()?.type == "HTTP")
            #expect(try await events.next()?.type == "ERROR")
        }
    }

    @Test("kubectl-style Table responses carry printer columns evaluated by JSONPath")
    func tables() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            _ = try await client.mergePatch("\(Fixtures.widgets)/a/status", [
                "status": ["ipAddr": "10.0.0.4/24", "conditions": [["type": "Other", "status": "False"], ["type": "Ready", "status": "True"]]],
            ])
            let table = try await client.get(Fixtures.widgets, accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json").json
            #expect(table["kind"] == "Table")
            #expect(table["columnDefinitions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Name", "Subnet", "IP", "Ready", "Age"])
            let cells = table["rows"]?.arrayValue?.first?["cells"]?.arrayValue ?? []
            #expect(Array(cells.prefix(4)) == ["a", "10.0.0.0/24", "10.0.0.4/24", "True"])
            #expect(cells.last?.stringValue?.hasSuffix("s") == true)
        }
    }
}
