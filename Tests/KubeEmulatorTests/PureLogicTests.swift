// Unit tests of the pure parts: JSON, selectors, JSON patch pointers, JSONPath, ages and schema formats.
@testable import KubeEmulator
import Testing

@Suite("Pure logic")
struct PureLogicTests {
    @Test("JSON parses escapes, unicode, integers and doubles and serializes with sorted keys")
    func jsonRoundTrip() throws {
        let parsed = try JSON.parse(#"{"b":[1,2.5,-3e2,true,null],"a":"x\"\u00e9\n\ud83d\ude00"}"#)
        #expect(parsed["a"] == .string("x\"é\n😀"))
        #expect(parsed["b"] == [1, 2.5, -300.0, true, nil])
        #expect(parsed.serialized() == #"{"a":"x\"é\n😀","b":[1,2.5,-300,true,null]}"#)
        #expect(throws: JSONParseError.self) { try JSON.parse("{\"a\":}") }
        #expect(throws: JSONParseError.self) { try JSON.parse("[1] x") }
    }

    @Test("label selector parsing keeps set expressions together")
    func labelSelectorParsing() throws {
        let selector = try LabelSelector.parse("a in (x, y),b!=z,!c,d").get()
        #expect(selector.requirements == [.isIn("a", ["x", "y"]), .notEquals("b", "z"), .doesNotExist("c"), .exists("d")])
        #expect(selector.matches(["a": "x", "d": "1"]))
        #expect(!selector.matches(["a": "x", "d": "1", "c": "2"]))
    }

    @Test("JSON pointers add, append, replace and remove inside arrays and objects")
    func jsonPatchOperations() throws {
        let document: JSON = ["metadata": ["finalizers": ["a"]]]
        let result = try Patches.jsonPatch(document, operations: [
            ["op": "add", "path": "/metadata/finalizers/-", "value": "b"],
            ["op": "add", "path": "/metadata/finalizers/0", "value": "z"],
            ["op": "replace", "path": "/metadata/finalizers/1", "value": "y"],
            ["op": "remove", "path": "/metadata/finalizers/2"],
            ["op": "add", "path": "/metadata/labels", "value": ["k~/": "v"]],
            ["op": "test", "path": "/metadata/labels/k~0~1", "value": "v"],
        ]).get()
        #expect(result["metadata"]?["finalizers"] == ["z", "y"])
        #expect(result["metadata"]?["labels"]?["k~/"] == "v")
    }

    @Test("JSONPath handles paths, indexes and equality filters")
    func jsonPath() {
        let object: JSON = ["status": ["conditions": [["type": "A", "status": "False"], ["type": "Ready", "status": "True"]]]]
        #expect(JSONPath.evaluate(".status.conditions[?(@.type==\"Ready\")].status", on: object) == ["True"])
        #expect(JSONPath.evaluate(".status.conditions[0].type", on: object) == ["A"])
        #expect(JSONPath.evaluate(".status.conditions[*].type", on: object) == ["A", "Ready"])
        #expect(JSONPath.evaluate(".status.missing", on: object).isEmpty)
    }

    @Test("ages follow kubectl's HumanDuration")
    func humanDuration() {
        #expect(TableConverter.humanDuration(5) == "5s")
        #expect(TableConverter.humanDuration(119) == "119s")
        #expect(TableConverter.humanDuration(150) == "2m30s")
        #expect(TableConverter.humanDuration(600) == "10m")
        #expect(TableConverter.humanDuration(3 * 3600 + 60) == "3h1m")
        #expect(TableConverter.humanDuration(50 * 3600) == "2d2h")
    }

    @Test("IP and CIDR formats accept v4 and v6 and reject garbage")
    func formats() {
        #expect(SchemaValidator.isIP("10.0.0.1") && SchemaValidator.isIP("fd00::1"))
        #expect(!SchemaValidator.isIPv4("10.0.0.256"))
        #expect(SchemaValidator.isCIDR("192.168.100.0/24") && SchemaValidator.isCIDR("fd00::/64"))
        #expect(!SchemaValidator.isCIDR("192.168.100.0/33") && !SchemaValidator.isCIDR("192.168.100.0"))
    }

    @Test("timestamps are RFC 3339 with whole seconds in UTC")
    func timestamps() {
        #expect(ClusterState.format(.init(timeIntervalSince1970: 1_700_000_000.75)) == "2023-11-14T22:13:20Z")
    }
}
