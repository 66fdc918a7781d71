// Tests of JSONValue, merge patches and JSON patch operations with pointer escaping.
import Testing

@testable import KubeClient

@Suite("JSON values and patches")
struct JSONValueTests {
    @Test("integers stay integers and round-trip")
    func integersRoundTrip() throws {
        let value = try KubeJSON.decode(JSONValue.self, from: Array(#"{"a":3,"b":2.5,"c":[true,null,"x"]}"#.utf8))
        #expect(value["a"] == .integer(3))
        #expect(value["b"] == .number(2.5))
        #expect(value.jsonText == #"{"a":3,"b":2.5,"c":[true,null,"x"]}"#)
    }

    @Test("JSON pointers escape tilde and slash and parse back")
    func pointerEscaping() throws {
        let pointer: JSONPointer = ["metadata", "labels", "iks.ibm.com/zone~x"]
        #expect(pointer.description == "/metadata/labels/iks.ibm.com~1zone~0x")
        #expect(JSONPointer(parsing: pointer.description) == pointer)
        #expect(JSONPointer(parsing: "") == JSONPointer([]))
        #expect(JSONPointer(parsing: "metadata") == nil)
        #expect(JSONPointer(parsing: "/a~01") == JSONPointer(["a~1"]))
        #expect(JSONPointer(["items"]).appending(index: 3).appending("-").description == "/items/3/-")
    }

    @Test("JSON patch operations encode value only where the op has one, including a null test")
    func patchOperationEncoding() throws {
        let operations: [JSONPatchOperation] = [
            .test(path: ["metadata", "finalizers", "0"], value: "a"),
            .remove(path: ["metadata", "finalizers", "0"]),
            .replace(path: ["spec", "x"], value: 1),
            .test(path: ["metadata", "finalizers"], value: nil),
        ]
        let text = String(decoding: try KubeJSON.encode(operations), as: UTF8.self)
        #expect(
            text
                == #"[{"op":"test","path":"/metadata/finalizers/0","value":"a"},{"op":"remove","path":"/metadata/finalizers/0"},"#
                + #"{"op":"replace","path":"/spec/x","value":1},{"op":"test","path":"/metadata/finalizers","value":null}]"#)
        #expect(try KubeJSON.decode([JSONPatchOperation].self, from: Array(text.utf8)) == operations)
    }

    @Test("merge patch from two documents nulls removed keys, recurses into objects and replaces lists")
    func mergePatchDiff() {
        let before: JSONValue = ["a": 1, "b": ["c": 1, "d": 2], "list": [1, 2], "gone": "x"]
        let after: JSONValue = ["a": 1, "b": ["c": 1, "d": 3], "list": [1], "new": true]
        let patch = JSONValue.mergePatch(from: before, to: after)
        #expect(patch == ["b": ["d": 3], "list": [1], "gone": nil, "new": true])
        #expect(before.applyingMergePatch(patch) == after)
        #expect(JSONValue.mergePatch(from: after, to: after).isEmptyObject)
    }

    @Test("merge patch between typed values covers only the changed status keys")
    func mergePatchTyped() throws {
        let old = LeaseSpec(holderIdentity: "a", leaseDurationSeconds: 15)
        let new = LeaseSpec(holderIdentity: "b", leaseDurationSeconds: 15)
        #expect(try JSONValue.mergePatch(from: old, to: new) == ["holderIdentity": "b"])
    }
}
