// Deletion over HTTP: finalizers and deletionTimestamp, preconditions, and ownerReference garbage collection.
import KubeEmulator
import Testing

@Suite("Deletion, finalizers and garbage collection")
struct DeletionTests {
    @Test("DELETE with a finalizer marks the object; removing the last finalizer deletes it and watchers see DELETED")
    func finalizerFlow() async throws {
        try await withEmulator { _, client in
            var widget = Fixtures.widget("a")
            widget["metadata"]?["finalizers"] = ["example.com/hold"]
            let created = try await client.post(Fixtures.widgets, widget).json
            var events = WatchReader(client.watch("\(Fixtures.widgets)?watch=true&resourceVersion=\(created.resourceVersion ?? "")"))
            #expect(try await events.next()?.type == "HTTP")

            let deleted = try await client.delete("\(Fixtures.widgets)/a")
            #expect(deleted.status == 200)
            #expect(deleted.json["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            #expect(deleted.json.generation == 2)
            #expect(try await client.get("\(Fixtures.widgets)/a").status == 200)
            #expect(try await events.nextChange()?.type == "MODIFIED")

            let added = try await client.jsonPatch("\(Fixtures.widgets)/a", [["op": "add", "path": "/metadata/finalizers/-", "value": "x/y"]])
            #expect(added.status == 422)
            #expect(added.json["message"] == "Widget.example.com \"a\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"x/y\"}")

            let removed = try await client.jsonPatch("\(Fixtures.widgets)/a", [
                ["op": "test", "path": "/metadata/finalizers/0", "value": "example.com/hold"],
                ["op": "remove", "path": "/metadata/finalizers/0"],
            ])
            #expect(removed.status == 200)
            let gone = try await events.nextChange()
            #expect(gone?.type == "DELETED")
            #expect(gone?.name == "a")
            #expect(try await client.get("\(Fixtures.widgets)/a").status == 404)
        }
    }

    @Test("a DELETE whose uid or resourceVersion precondition does not match answers 409")
    func preconditions() async throws {
        try await withEmulator { _, client in
            let created = try await client.post(Fixtures.widgets, Fixtures.widget("a")).json
            let wrongUID = try await client.delete("\(Fixtures.widgets)/a", ["preconditions": ["uid": "nope"]])
            #expect(wrongUID.status == 409)
            #expect(wrongUID.json["message"]?.stringValue?.contains("Precondition failed: UID in precondition: nope") == true)
            let wrongRV = try await client.delete("\(Fixtures.widgets)/a", ["preconditions": ["resourceVersion": "1"]])
            #expect(wrongRV.status == 409)
            let right = try await client.delete("\(Fixtures.widgets)/a", ["preconditions": ["uid": created["metadata"]?["uid"] ?? .null]])
            #expect(right.status == 200)
            #expect(try await client.get("\(Fixtures.widgets)/a").status == 404)
        }
    }

    @Test("deleting an owner deletes dependents whose owners are all gone and keeps those with a live owner")
    func garbageCollection() async throws {
        try await withEmulator { _, client in
            let node = try await client.post("/api/v1/nodes", ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"]]).json
            let other = try await client.post("/api/v1/nodes", ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n2"]]).json
            func reference(_ owner: JSON) -> JSON {
                ["apiVersion": "v1", "kind": "Node", "name": owner["metadata"]?["name"] ?? .null, "uid": owner["metadata"]?["uid"] ?? .null,
                 "controller": true, "blockOwnerDeletion": true]
            }
            var owned = Fixtures.widget("owned")
            owned["metadata"]?["ownerReferences"] = [reference(node)]
            var shared = Fixtures.widget("shared")
            shared["metadata"]?["ownerReferences"] = [reference(node), reference(other)]
            _ = try await client.post(Fixtures.widgets, owned)
            _ = try await client.post(Fixtures.widgets, shared)

            #expect(try await client.delete("/api/v1/nodes/n1").status == 200)
            #expect(try await client.get("\(Fixtures.widgets)/owned").status == 404)
            #expect(try await client.get("\(Fixtures.widgets)/shared").status == 200)
            _ = try await client.delete("/api/v1/nodes/n2")
            #expect(try await client.get("\(Fixtures.widgets)/shared").status == 404)
        }
    }

    @Test("orphan propagation keeps dependents and strips the owner reference")
    func orphanPropagation() async throws {
        try await withEmulator { _, client in
            let node = try await client.post("/api/v1/nodes", ["apiVersion": "v1", "kind": "Node", "metadata": ["name": "n1"]]).json
            var owned = Fixtures.widget("owned")
            owned["metadata"]?["ownerReferences"] = [["apiVersion": "v1", "kind": "Node", "name": "n1",
                                                      "uid": node["metadata"]?["uid"] ?? .null]]
            _ = try await client.post(Fixtures.widgets, owned)
            _ = try await client.delete("/api/v1/nodes/n1", ["propagationPolicy": "Orphan"])
            let kept = try await client.get("\(Fixtures.widgets)/owned")
            #expect(kept.status == 200)
            #expect(kept.json["metadata"]?["ownerReferences"] == nil)
        }
    }

    @Test("deleting a namespace deletes its objects and then the namespace")
    func namespaceDeletion() async throws {
        try await withEmulator { _, client in
            _ = try await client.post("/api/v1/namespaces", ["metadata": ["name": "team"]])
            _ = try await client.post("/api/v1/namespaces/team/configmaps", Fixtures.configMap("c", namespace: "team"))
            #expect(try await client.delete("/api/v1/namespaces/team").status == 200)
            #expect(try await client.get("/api/v1/namespaces/team/configmaps/c").status == 404)
            #expect(try await client.get("/api/v1/namespaces/team").status == 404)
        }
    }
}
