// Built-in resources the project uses: leases, events.k8s.io events, node status, streaming lists.
import KubeEmulator
import Testing

@Suite("Built-in resources")
struct BuiltInTests {
    static let leases = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases"

    @Test("a Lease update needs a resourceVersion and keeps MicroTime strings as written")
    func leases() async throws {
        try await withEmulator(widgets: false) { _, client in
            let lease: JSON = ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "leader"],
                               "spec": ["holderIdentity": "a", "leaseDurationSeconds": 15,
                                        "renewTime": "2024-01-01T00:00:00.123456Z", "leaseTransitions": 0]]
            let created = try await client.post(Self.leases, lease)
            #expect(created.status == 201)
            #expect(created.json["spec"]?["renewTime"] == "2024-01-01T00:00:00.123456Z")
            let unconditional = try await client.put("\(Self.leases)/leader", lease)
            #expect(unconditional.status == 422)
            var takeover = created.json
            takeover["spec"]?["holderIdentity"] = "b"
            #expect(try await client.put("\(Self.leases)/leader", takeover).status == 200)
            #expect(try await client.put("\(Self.leases)/leader", takeover).status == 409)
        }
    }

    @Test("events.k8s.io/v1 events can be created, listed and merge-patched")
    func events() async throws {
        try await withEmulator(widgets: false) { _, client in
            let path = "/apis/events.k8s.io/v1/namespaces/default/events"
            let event: JSON = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": "n1.17a2b3c4d5e6f708"],
                               "eventTime": "2024-01-01T00:00:00.000000Z", "reason": "Reserved", "note": "ok", "type": "Normal",
                               "action": "Reserve", "reportingController": "x/y", "reportingInstance": "i",
                               "regarding": ["kind": "Node", "name": "n1", "apiVersion": "v1"]]
            #expect(try await client.post(path, event).status == 201)
            let patched = try await client.mergePatch("\(path)/n1.17a2b3c4d5e6f708", ["series": ["count": 2, "lastObservedTime": "2024-01-01T00:01:00.000000Z"]])
            #expect(patched.json["series"]?["count"] == 2)
            #expect(try await client.get(path).json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test("events.k8s.io/v1 and core v1 Events share storage: one shape in, the other out")
    func eventsSharedStorage() async throws {
        try await withEmulator(widgets: false) { _, client in
            let event: JSON = ["apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": ["name": "e1"],
                               "eventTime": "2024-01-01T00:00:00.000000Z", "reason": "Reserved", "note": "reserved 10.0.0.4",
                               "type": "Normal", "action": "Reserve", "reportingController": "iks.ibm.com/overlay",
                               "reportingInstance": "op-1", "regarding": ["kind": "Node", "name": "n1", "apiVersion": "v1"]]
            let created = try await client.post("/apis/events.k8s.io/v1/namespaces/default/events", event).json
            #expect(created["note"] == "reserved 10.0.0.4")
            #expect(created["apiVersion"] == "events.k8s.io/v1")
            let core = try await client.get("/api/v1/namespaces/default/events/e1").json
            #expect(core["message"] == "reserved 10.0.0.4")
            #expect(core["involvedObject"]?["name"] == "n1")
            #expect(core["reportingComponent"] == "iks.ibm.com/overlay")
            #expect(core["note"] == nil)
            let patched = try await client.mergePatch("/apis/events.k8s.io/v1/namespaces/default/events/e1", ["note": "again"]).json
            #expect(patched["note"] == "again")
            #expect(try await client.get("/api/v1/namespaces/default/events/e1").json["message"] == "again")
        }
    }

    @Test("node status is written through /status and ignored on the main resource")
    func nodeStatus() async throws {
        try await withEmulator(widgets: false) { _, client in
            _ = try await client.post("/api/v1/nodes", ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"],
                                                        "status": ["addresses": [["type": "InternalIP", "address": "10.1.0.1"]]]])
            let main = try await client.mergePatch("/api/v1/nodes/n1", ["metadata": ["labels": ["zone": "a"]], "status": ["phase": "x"]])
            #expect(main.json["status"]?["phase"] == nil)
            let status = try await client.mergePatch("/api/v1/nodes/n1/status", ["status": ["phase": "Running"]])
            #expect(status.json["status"]?["phase"] == "Running")
            #expect(status.json["status"]?["addresses"]?.arrayValue?.count == 1)
        }
    }

    @Test("a streaming list (sendInitialEvents) ends its initial events with an annotated BOOKMARK")
    func streamingList() async throws {
        try await withEmulator(widgets: false) { emulator, client in
            _ = try await client.post("/api/v1/nodes", ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"]])
            var events = WatchReader(client.watch(
                "/api/v1/nodes?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"))
            let start = try await events.next()
            #expect(start?.type == "HTTP")
            #expect(try await events.next()?.type == "ADDED")
            let bookmark = try #require(try await events.next())
            #expect(bookmark.type == "BOOKMARK")
            #expect(bookmark.object["metadata"]?["annotations"]?["k8s.io/initial-events-end"] == "true")
            #expect(bookmark.resourceVersion == emulator.resourceVersion)
        }
    }
}

@Suite("Namespaced custom resources")
struct NamespacedCustomResourceTests {
    static let gadgetCRD = Fixtures.widgetCRD
        .replacingOccurrences(of: "widgets.example.com", with: "gadgets.example.com")
        .replacingOccurrences(of: "\"Cluster\"", with: "\"Namespaced\"")
        .replacingOccurrences(of: "\"plural\": \"widgets\", \"singular\": \"widget\", \"kind\": \"Widget\", \"listKind\": \"WidgetList\", \"shortNames\": [\"wd\"]",
                              with: "\"plural\": \"gadgets\", \"singular\": \"gadget\", \"kind\": \"Gadget\", \"listKind\": \"GadgetList\"")

    @Test("namespaced custom resources live under namespaces/{ns} and list across namespaces")
    func namespacedPaths() async throws {
        try await withEmulator(widgets: false) { emulator, client in
            try emulator.create(json: Self.gadgetCRD)
            _ = try await client.post("/api/v1/namespaces", ["metadata": ["name": "team"]])
            for namespace in ["default", "team"] {
                let gadget: JSON = ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g"],
                                    "spec": ["subnet": "10.0.0.0/24"]]
                let created = try await client.post("/apis/example.com/v1/namespaces/\(namespace)/gadgets", gadget)
                #expect(created.status == 201)
                #expect(created.json["metadata"]?["namespace"] == .string(namespace))
            }
            #expect(try await client.get("/apis/example.com/v1/namespaces/team/gadgets/g").status == 200)
            let all = try await client.get("/apis/example.com/v1/gadgets").json["items"]?.arrayValue ?? []
            #expect(all.count == 2)
            let one = try await client.get("/apis/example.com/v1/namespaces/team/gadgets").json["items"]?.arrayValue ?? []
            #expect(one.count == 1)
            #expect(try await client.delete("/apis/example.com/v1/namespaces/team/gadgets/g").status == 200)
            #expect(try await client.get("/apis/example.com/v1/namespaces/default/gadgets/g").status == 200)
        }
    }
}
