// Write semantics over HTTP: resourceVersion and generation rules, 409s, 422s with causes, status separation.
import KubeEmulator
import Testing

@Suite("Write semantics")
struct WriteSemanticsTests {
    @Test("create sets uid, creationTimestamp, generation 1 and a resourceVersion from one global counter")
    func createSetsServerFields() async throws {
        try await withEmulator { _, client in
            let first = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            #expect(first.status == 201)
            let cm = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("c"))
            #expect(cm.status == 201)
            let object = first.json
            #expect(object["metadata"]?["uid"]?.stringValue?.count == 36)
            #expect(object.generation == 1)
            let timestamp = try #require(object["metadata"]?["creationTimestamp"]?.stringValue)
            #expect(timestamp.count == 20 && timestamp.hasSuffix("Z"))
            let firstRV = try #require(object.resourceVersion.flatMap(UInt64.init))
            let secondRV = try #require(cm.json.resourceVersion.flatMap(UInt64.init))
            #expect(secondRV == firstRV + 1)
            #expect(cm.json.generation == nil)
        }
    }

    @Test("creating an existing name answers 409 AlreadyExists")
    func alreadyExists() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            let again = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            #expect(again.status == 409)
            #expect(again.json["reason"] == "AlreadyExists")
            #expect(again.json["message"] == "widgets.example.com \"a\" already exists")
        }
    }

    @Test("an update with a stale resourceVersion answers 409 Conflict with the real message")
    func staleUpdateConflicts() async throws {
        try await withEmulator { _, client in
            let created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            var changed = created
            changed.setSpec("size", .int(2))
            #expect(try await client.put("\(Fixtures.widgets)/a", changed).status == 200)
            changed.setSpec("size", .int(3))
            let stale = try await client.put("\(Fixtures.widgets)/a", changed)
            #expect(stale.status == 409)
            #expect(stale.json["reason"] == "Conflict")
            #expect(stale.json["message"] == "Operation cannot be fulfilled on widgets.example.com \"a\": the object has been modified; please apply your changes to the latest version and try again")
        }
    }

    @Test("a custom resource update without resourceVersion answers 422 'must be specified for an update'")
    func updateWithoutResourceVersion() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a"))
            let response = try await client.put("\(Fixtures.widgets)/a", Fixtures.widget("a"))
            #expect(response.status == 422)
            #expect(response.json["message"] == "Widget.example.com \"a\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update")
            let cause = response.json["details"]?["causes"]?.arrayValue?.first
            #expect(cause?["field"] == "metadata.resourceVersion")
        }
    }

    @Test("a configmap accepts an unconditional update")
    func builtInUnconditionalUpdate() async throws {
        try await withEmulator { _, client in
            _ = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("c"))
            let response = try await client.put("/api/v1/namespaces/default/configmaps/c", Fixtures.configMap("c", data: ["k": "v"]))
            #expect(response.status == 200)
            #expect(response.json["data"]?["k"] == "v")
        }
    }

    @Test("generation changes only with spec; status and metadata changes keep it; a no-op update keeps the resourceVersion")
    func generationRules() async throws {
        try await withEmulator { _, client in
            let created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            let labelled = try await client.mergePatch("\(Fixtures.widgets)/a", ["metadata": ["labels": ["x": "y"]]]).json
            #expect(labelled.generation == 1)
            #expect(labelled.resourceVersion != created.resourceVersion)
            let status = try await client.mergePatch("\(Fixtures.widgets)/a/status", ["status": ["ipAddr": "10.0.0.4/24"]]).json
            #expect(status.generation == 1)
            let spec = try await client.mergePatch("\(Fixtures.widgets)/a", ["spec": ["size": 4]]).json
            #expect(spec.generation == 2)
            let noop = try await client.mergePatch("\(Fixtures.widgets)/a", ["spec": ["size": 4]]).json
            #expect(noop.resourceVersion == spec.resourceVersion)
        }
    }

    @Test("the main resource ignores status and the status subresource ignores everything else")
    func statusSeparation() async throws {
        try await withEmulator { _, client in
            var created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            #expect(created["status"] == nil)
            created["status"] = ["ipAddr": "1.2.3.4/32"]
            created.setSpec("size", .int(5))
            let updated = try await client.put("\(Fixtures.widgets)/a", created).json
            #expect(updated["status"] == nil)
            #expect(updated["spec"]?["size"] == 5)

            var statusWrite = updated
            statusWrite["status"] = ["ipAddr": "10.0.0.9/24"]
            statusWrite.setSpec("size", .int(9))
            let afterStatus = try await client.put("\(Fixtures.widgets)/a/status", statusWrite).json
            #expect(afterStatus["status"]?["ipAddr"] == "10.0.0.9/24")
            #expect(afterStatus["spec"]?["size"] == 5)
            #expect(afterStatus.generation == updated.generation)
        }
    }

    @Test("objects violating the schema get 422 Invalid with one cause per problem")
    func schemaViolations() async throws {
        try await withEmulator { _, client in
            let bad = Fixtures.widget("bad", subnet: "nope", extra: ["size": 30, "mode": "slow", "tags": ["a", "b", "c"]])
            let response = try await client.post(Fixtures.widgets, bad)
            #expect(response.status == 422)
            #expect(response.json["reason"] == "Invalid")
            let causes = response.json["details"]?["causes"]?.arrayValue ?? []
            let lines = Set(causes.compactMap { cause -> String? in
                guard let field = cause["field"]?.stringValue, let message = cause["message"]?.stringValue else { return nil }
                return "\(field): \(message)"
            })
            #expect(lines.contains("spec.subnet: Invalid value: \"nope\": spec.subnet in body should match '^[0-9.]+/[0-9]+$'"))
            #expect(lines.contains("spec.size: Invalid value: 30: spec.size in body should be less than or equal to 10"))
            #expect(lines.contains("spec.mode: Unsupported value: \"slow\": supported values: \"fast\", \"safe\""))
            #expect(lines.contains("spec.tags: Too many: 3: must have at most 2 items"))
            #expect(lines.contains("<nil>: Invalid value: \"null\": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation"))
            let message = response.json["message"]?.stringValue ?? ""
            #expect(message.hasPrefix("Widget.example.com \"bad\" is invalid: ["))

            let celOnly = try await client.post(Fixtures.widgets, Fixtures.widget("cel", subnet: "10.0.0.0/33"))
            #expect(celOnly.json["message"] == "Widget.example.com \"cel\" is invalid: spec.subnet: Invalid value: \"string\": must be a CIDR")

            let missing = try await client.post(Fixtures.widgets, ["apiVersion": "example.com/v1", "kind": "Widget",
                                                                  "metadata": ["name": "m"], "spec": ["size": 1]])
            #expect(missing.json["message"] == "Widget.example.com \"m\" is invalid: spec.subnet: Required value")
        }
    }

    @Test("unknown fields are pruned, preserved subtrees kept, and defaults filled in")
    func pruningAndDefaults() async throws {
        try await withEmulator { _, client in
            let object = Fixtures.widget("a", extra: ["junk": 1, "extra": ["anything": ["goes": true]]])
            let created = try await client.post(Fixtures.widgets, object).json
            #expect(created["spec"]?["junk"] == nil)
            #expect(created["spec"]?["extra"]?["anything"]?["goes"] == true)
            #expect(created["spec"]?["mode"] == "safe")
        }
    }

    @Test("a transition rule self == oldSelf rejects a change")
    func immutableField() async throws {
        try await withEmulator { _, client in
            _ = try await client.post(Fixtures.widgets, Fixtures.widget("a", extra: ["zone": "z1"]))
            let response = try await client.mergePatch("\(Fixtures.widgets)/a", ["spec": ["zone": "z2"]])
            #expect(response.status == 422)
            #expect(response.json["message"] == "Widget.example.com \"a\" is invalid: spec.zone: Invalid value: \"string\": zone is immutable")
        }
    }

    @Test("fieldValidation=Strict rejects unknown fields with 400 like the real server")
    func strictFieldValidation() async throws {
        try await withEmulator { _, client in
            let response = try await client.post("\(Fixtures.widgets)?fieldValidation=Strict", Fixtures.widget("a", extra: ["junk": 1]))
            #expect(response.status == 400)
            #expect(response.json["message"] == "Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.junk\"")
        }
    }

    @Test("names must be DNS subdomains and namespaces must exist")
    func namesAndNamespaces() async throws {
        try await withEmulator { _, client in
            let badName = try await client.post("/api/v1/namespaces/default/configmaps", Fixtures.configMap("Bad_Name"))
            #expect(badName.status == 422)
            let noNamespace = try await client.post("/api/v1/namespaces/nope/configmaps", Fixtures.configMap("c", namespace: "nope"))
            #expect(noNamespace.status == 404)
            #expect(noNamespace.json["message"] == "namespaces \"nope\" not found")
            let generated = try await client.post("/api/v1/namespaces/default/configmaps",
                                                  ["metadata": ["generateName": "gen-"], "data": [:]])
            #expect(generated.json.name?.hasPrefix("gen-") == true && generated.json.name?.count == 9)
        }
    }
}

extension JSON {
    mutating func setSpec(_ key: String, _ value: JSON) {
        var spec = self["spec"] ?? .object([:])
        spec[key] = value
        self["spec"] = spec
    }
}
