// Patches (merge, JSON with test, strategic for built-ins, server-side apply) and label/field selectors.
import KubeEmulator
import Testing

@Suite("Patches and selectors")
struct PatchAndSelectorTests {
    @Test("merge patch merges objects, removes on null and replaces lists")
    func mergePatch() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a", extra: ["tags": ["a", "b"], "size": 2]))
            let patched = try await client.mergePatch("\(Fixtures.widgets)/a", ["spec": ["tags": ["c"], "size": nil]]).json
            #expect(patched["spec"]?["tags"] == ["c"])
            #expect(patched["spec"]?["size"] == nil)
            #expect(patched["spec"]?["subnet"] == "10.0.0.0/24")
        }
    }

    @Test("a merge patch carrying a stale resourceVersion answers 409")
    func mergePatchWithStaleVersion() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            let response = try await client.mergePatch("\(Fixtures.widgets)/a", ["metadata": ["resourceVersion": "1"], "spec": ["size": 2]])
            #expect(response.status == 409)
        }
    }

    @Test("a JSON patch whose test fails answers 422 and changes nothing")
    func jsonPatchTest() async throws {
        try await withEmulator { _, client in
            let created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            let response = try await client.jsonPatch("\(Fixtures.widgets)/a", [
                ["op": "test", "path": "/metadata/finalizers", "value": ["x"]],
                ["op": "add", "path": "/metadata/finalizers", "value": ["y"]],
            ])
            #expect(response.status == 422)
            #expect(response.json["message"]?.stringValue?.contains("testing value /metadata/finalizers failed") == true)
            #expect(try await client.get("\(Fixtures.widgets)/a").json.resourceVersion == created.resourceVersion)
            let ok = try await client.jsonPatch("\(Fixtures.widgets)/a", [
                ["op": "test", "path": "/metadata/finalizers", "value": nil],
                ["op": "add", "path": "/metadata/finalizers", "value": ["y"]],
            ])
            #expect(ok.json["metadata"]?["finalizers"] == ["y"])
        }
    }

    @Test("strategic merge patch works for built-ins and is refused for custom resources")
    func strategicMerge() async throws {
        try await withEmulator { _, client in
            _ = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("c", data: ["a": "1"]))
            let patched = try await client.request("PATCH", "/api/v1/namespaces/default/configmaps/c", body: ["data": ["b": "2"]],
                                                   contentType: "application/strategic-merge-patch+json")
            #expect(patched.json["data"] == ["a": "1", "b": "2"])
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            let refused = try await client.request("PATCH", "\(Fixtures.widgets)/a", body: ["spec": ["size": 1]],
                                                   contentType: "application/strategic-merge-patch+json")
            #expect(refused.status == 415)
        }
    }

    @Test("server-side apply creates a missing object and merges into an existing one")
    func serverSideApply() async throws {
        try await withEmulator { _, client in
            let path = "\(Fixtures.widgets)/a?fieldManager=test&force=true"
            let created = try await client.request("PATCH", path, body: Fixtures.widget("a"), contentType: "application/apply-patch+yaml")
            #expect(created.status == 201)
            let applied = try await client.request("PATCH", path, body: Fixtures.widget("a", extra: ["size": 3]),
                                                   contentType: "application/apply-patch+yaml")
            #expect(applied.status == 200)
            #expect(applied.json["spec"]?["size"] == 3)
            #expect(applied.json.generation == 2)
        }
    }

    @Test("label selectors support =, ==, !=, in, notin, exists and !exists")
    func labelSelectors() async throws {
        try await withEmulator { _, client in
            let configMaps = "/api/v1/namespaces/default/configmaps"
            _ = try await client.post(configMaps, Fixtures.configMap("a", labels: ["app": "web", "tier": "front"]))
            _ = try await client.post(configMaps, Fixtures.configMap("b", labels: ["app": "db"]))
            _ = try await client.post(configMaps, Fixtures.configMap("c", labels: [:]))
            func names(_ selector: String) async throws -> [String] {
                let encoded = selector.addingPercentEncodingForQuery()
                return try await client.get("\(configMaps)?labelSelector=\(encoded)").json["items"]?.arrayValue?.compactMap(\.name) ?? []
            }
            #expect(try await names("app=web") == ["a"])
            #expect(try await names("app==db") == ["b"])
            #expect(try await names("app!=web") == ["b", "c"])
            #expect(try await names("app in (web,db)") == ["a", "b"])
            #expect(try await names("app notin (web)") == ["b", "c"])
            #expect(try await names("tier") == ["a"])
            #expect(try await names("!tier") == ["b", "c"])
            #expect(try await names("app,!tier") == ["b"])
        }
    }

    @Test("field selectors on metadata.name and metadata.namespace; other fields are a 400")
    func fieldSelectors() async throws {
        try await withEmulator { _, client in
            _ = try await client.post("/api/v1/namespaces", ["metadata": ["name": "other"]])
            _ = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("a"))
            _ = try await client.post("/api/v1/namespaces/other/configmaps", Fixtures.configMap("a", namespace: "other"))
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("w1"))
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("w2"))
            let byName = try await client.get("\(Fixtures.widgets)?fieldSelector=metadata.name%3Dw2").json
            #expect(byName["items"]?.arrayValue?.compactMap(\.name) == ["w2"])
            let notDefault = try await client.get("/api/v1/configmaps?fieldSelector=metadata.namespace!%3Ddefault").json
            #expect(notDefault["items"]?.arrayValue?.compactMap { $0["metadata"]?["namespace"]?.stringValue } == ["other"])
            let unsupported = try await client.get("\(Fixtures.widgets)?fieldSelector=spec.subnet%3Dx")
            #expect(unsupported.status == 400)
        }
    }
}

extension String {
    /// Percent-encodes everything but unreserved characters.
    func addingPercentEncodingForQuery() -> String {
        var result = ""
        for byte in utf8 {
            let character = Character(Unicode.Scalar(byte))
            if character.isLetter || character.isNumber || "-._~".contains(character) {
                result.append(character)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
