// Tests of KubeRequestBuilder: exact paths, queries, headers and bodies for every verb.
import Testing

@testable import KubeClient

/// A cluster-scoped custom resource with a status subresource, like NodeOverlayIp.
private let overlays = ResourceDescriptor(
    group: "iks.ibm.com", version: "v1alpha1", plural: "nodeoverlayips", kind: "NodeOverlayIp", namespaced: false,
    hasStatusSubresource: true)
private let configMaps = ResourceDescriptor(
    group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, hasStatusSubresource: false)

@Suite("Request builder")
struct RequestBuilderTests {
    @Test("core cluster-scoped get has no namespaces segment")
    func coreClusterScopedGet() throws {
        let request = try KubeRequestBuilder(resource: .nodes).get(name: "node-1", namespace: nil)
        #expect(request.method == .get)
        #expect(request.path == "/api/v1/nodes/node-1")
        #expect(request.headers["Accept"] == "application/json")
        #expect(request.body == nil)
    }

    @Test("core namespaced get goes through /api/v1/namespaces/{ns}")
    func coreNamespacedGet() throws {
        let request = try KubeRequestBuilder(resource: configMaps).get(name: "cfg", namespace: "kube-system")
        #expect(request.path == "/api/v1/namespaces/kube-system/configmaps/cfg")
    }

    @Test("group namespaced resource uses /apis/{group}/{version}/namespaces/{ns}")
    func groupNamespacedGet() throws {
        let request = try KubeRequestBuilder(resource: .leases).get(name: "leader", namespace: "ops")
        #expect(request.path == "/apis/coordination.k8s.io/v1/namespaces/ops/leases/leader")
    }

    @Test("cluster-scoped custom resource status subresource path")
    func clusterScopedCustomResourceStatus() throws {
        let request = try KubeRequestBuilder(resource: overlays).get(name: "n1", namespace: nil, subresource: .status)
        #expect(request.path == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips/n1/status")
    }

    @Test("namespaced resource without namespace is rejected for single objects but lists all namespaces")
    func namespacedWithoutNamespace() throws {
        #expect(throws: KubeClientError.self) {
            try KubeRequestBuilder(resource: .leases).get(name: "x", namespace: nil)
        }
        let list = try KubeRequestBuilder(resource: .leases).list(namespace: nil)
        #expect(list.path == "/apis/coordination.k8s.io/v1/leases")
    }

    @Test("cluster-scoped resource with a namespace is rejected with a message naming the resource")
    func clusterScopedWithNamespace() {
        do {
            _ = try KubeRequestBuilder(resource: .nodes).get(name: "x", namespace: "default")
            Issue.record("expected an error")
        } catch {
            #expect(error.code == .invalidRequest)
            #expect(error.message.contains("nodes/v1 is cluster-scoped"))
        }
    }

    @Test("empty and dot names are rejected; other characters are percent-encoded")
    func nameValidation() throws {
        let builder = KubeRequestBuilder(resource: .nodes)
        #expect(throws: KubeClientError.self) { try builder.get(name: "", namespace: nil) }
        #expect(throws: KubeClientError.self) { try builder.get(name: "..", namespace: nil) }
        #expect(try builder.get(name: "a/b c", namespace: nil).path == "/api/v1/nodes/a%2Fb%20c")
    }

    @Test("list encodes selectors, limit and continue in a fixed order")
    func listQuery() throws {
        let options = ListOptions(
            labelSelector: "zone in (dal10,dal12),!legacy", fieldSelector: "metadata.name=node-1", limit: 500,
            resourceVersion: "42", resourceVersionMatch: .notOlderThan)
        let request = try KubeRequestBuilder(resource: .nodes).list(namespace: nil, options: options)
        #expect(
            request.path
                == "/api/v1/nodes?labelSelector=zone%20in%20%28dal10%2Cdal12%29%2C%21legacy"
                + "&fieldSelector=metadata.name%3Dnode-1&limit=500&resourceVersion=42&resourceVersionMatch=NotOlderThan")
        #expect(!request.isWatch)
        let next = try KubeRequestBuilder(resource: .nodes).list(
            namespace: nil, options: ListOptions(limit: 500, continueToken: "abc/+="))
        #expect(next.path == "/api/v1/nodes?limit=500&continue=abc%2F%2B%3D")
    }

    @Test("list without options has no query string")
    func listPlain() throws {
        #expect(try KubeRequestBuilder(resource: overlays).list(namespace: nil).path == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips")
    }

    @Test("resourceVersionMatch without resourceVersion, and resourceVersion with a continue token, are rejected")
    func resourceVersionRules() {
        #expect(throws: KubeClientError.self) {
            try KubeRequestBuilder(resource: .nodes).list(namespace: nil, options: ListOptions(resourceVersionMatch: .exact))
        }
        #expect(throws: KubeClientError.self) {
            try KubeRequestBuilder(resource: .nodes).list(
                namespace: nil, options: ListOptions(continueToken: "t", resourceVersion: "1"))
        }
    }

    @Test("watch defaults: bookmarks and 290 s timeout, resourceVersion passed as a query parameter")
    func watchDefaults() throws {
        let request = try KubeRequestBuilder(resource: overlays).watch(
            namespace: nil, options: WatchOptions(resourceVersion: "17", fieldSelector: FieldSelector.name("node-1").queryString))
        #expect(
            request.path
                == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips?watch=true&fieldSelector=metadata.name%3Dnode-1"
                + "&resourceVersion=17&allowWatchBookmarks=true&timeoutSeconds=290")
        #expect(request.isWatch)
        #expect(request.headers["Accept"] == "application/json")
    }

    @Test("watch without bookmarks or timeout omits them; namespaced watch uses the namespace path")
    func watchMinimal() throws {
        let request = try KubeRequestBuilder(resource: .leases).watch(
            namespace: "ops", options: WatchOptions(labelSelector: "a=b", timeoutSeconds: nil, allowBookmarks: false))
        #expect(request.path == "/apis/coordination.k8s.io/v1/namespaces/ops/leases?watch=true&labelSelector=a%3Db")
    }

    @Test("streaming list watch adds resourceVersionMatch=NotOlderThan and sendInitialEvents")
    func watchStreamingList() throws {
        let request = try KubeRequestBuilder(resource: .nodes).watch(
            namespace: nil, options: WatchOptions(sendInitialEvents: true))
        #expect(
            request.path
                == "/api/v1/nodes?watch=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true"
                + "&sendInitialEvents=true&timeoutSeconds=290")
    }

    @Test("create posts JSON to the collection with dryRun and fieldManager")
    func create() throws {
        let request = try KubeRequestBuilder(resource: .leases).create(
            namespace: "ops", body: Array("{}".utf8), options: WriteOptions(dryRun: true, fieldManager: "overlay"))
        #expect(request.method == .post)
        #expect(request.path == "/apis/coordination.k8s.io/v1/namespaces/ops/leases?dryRun=All&fieldManager=overlay")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.body == Array("{}".utf8))
    }

    @Test("update puts to the object and updateStatus to its status subresource")
    func update() throws {
        let builder = KubeRequestBuilder(resource: overlays)
        let main = try builder.update(name: "n1", namespace: nil, body: [])
        let status = try builder.update(
            name: "n1", namespace: nil, body: [], subresource: .status, options: WriteOptions(fieldValidation: .strict))
        #expect(main.method == .put)
        #expect(main.path == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips/n1")
        #expect(status.path == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips/n1/status?fieldValidation=Strict")
    }

    @Test("merge patch and JSON patch carry their own content types")
    func patchContentTypes() throws {
        let builder = KubeRequestBuilder(resource: overlays)
        let merge = try builder.patch(
            name: "n1", namespace: nil, patch: .merge(["status": ["zone": "dal10"]]), subresource: .status)
        #expect(merge.method == .patch)
        #expect(merge.path == "/apis/iks.ibm.com/v1alpha1/nodeoverlayips/n1/status")
        #expect(merge.headers["Content-Type"] == "application/merge-patch+json")
        #expect(merge.body.map { String(decoding: $0, as: UTF8.self) } == #"{"status":{"zone":"dal10"}}"#)

        let json = try builder.patch(
            name: "n1", namespace: nil,
            patch: .json([
                .test(path: ["metadata", "finalizers"], value: nil),
                .add(path: ["metadata", "finalizers"], value: ["iks.ibm.com/release-ip"]),
            ]))
        #expect(json.headers["Content-Type"] == "application/json-patch+json")
        #expect(
            json.body.map { String(decoding: $0, as: UTF8.self) }
                == #"[{"op":"test","path":"/metadata/finalizers","value":null},"#
                + #"{"op":"add","path":"/metadata/finalizers","value":["iks.ibm.com/release-ip"]}]"#)
    }

    @Test("delete without options sends no body")
    func deletePlain() throws {
        let request = try KubeRequestBuilder(resource: .nodes).delete(name: "node-1", namespace: nil)
        #expect(request.method == .delete)
        #expect(request.path == "/api/v1/nodes/node-1")
        #expect(request.body == nil)
    }

    @Test("delete sends DeleteOptions with preconditions and repeats policy in the query")
    func deleteWithOptions() throws {
        let options = DeleteOptions(
            propagationPolicy: .foreground, preconditions: Preconditions(uid: "u-1", resourceVersion: "9"),
            gracePeriodSeconds: 0, dryRun: true)
        let request = try KubeRequestBuilder(resource: .leases).delete(name: "l", namespace: "ops", options: options)
        #expect(
            request.path
                == "/apis/coordination.k8s.io/v1/namespaces/ops/leases/l?dryRun=All&gracePeriodSeconds=0&propagationPolicy=Foreground")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(
            request.body.map { String(decoding: $0, as: UTF8.self) }
                == #"{"apiVersion":"v1","dryRun":["All"],"gracePeriodSeconds":0,"kind":"DeleteOptions","#
                + #""preconditions":{"resourceVersion":"9","uid":"u-1"},"propagationPolicy":"Foreground"}"#)
    }
}
