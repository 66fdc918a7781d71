// Tests of decoding Decodable types from YAML as Yams' decoder did: scalars, null, merge keys, errors.
import Testing
import YAML

@Suite("Decoding YAML into Decodable types")
struct YAMLDecoderTests {
    struct Settings: Decodable, Equatable {
        var name: String
        var enabled: Bool?
        var count: Int?
        var ratio: Double?
        var tags: [String]?
        var nested: Nested?

        struct Nested: Decodable, Equatable {
            var value: String
        }
    }

    @Test("strings come from any scalar as written, booleans from true/yes/on and false/no/off")
    func scalars() throws {
        let settings = try YAMLDecoder().decode(
            Settings.self,
            from: "name: 0123\nenabled: Yes\ncount: 0x1F\nratio: 1_000.5\ntags: [a, 'b', \"c\"]\nnested: {value: x}\n")
        #expect(settings == Settings(
            name: "0123", enabled: true, count: 31, ratio: 1000.5, tags: ["a", "b", "c"], nested: .init(value: "x")))
        #expect(try YAMLDecoder().decode(Settings.self, from: "name: n\nenabled: 'off'\n").enabled == false)
        #expect(try YAMLDecoder().decode(Settings.self, from: "name: n\ncount: 010\n").count == 8)
    }

    @Test("plain null, ~ and empty values decode as absent optionals; quoted ones are strings")
    func nulls() throws {
        let settings = try YAMLDecoder().decode(Settings.self, from: "name: 'null'\nenabled: ~\ncount:\nnested: null\n")
        #expect(settings == Settings(name: "null"))
    }

    @Test("merge keys bring in an anchored mapping and the mapping's own keys win")
    func mergeKeys() throws {
        let yaml = """
            defaults: &defaults {name: base, count: 1, enabled: true}
            item:
              <<: *defaults
              count: 2
            """
        struct Document: Decodable { var item: Settings }
        let item = try YAMLDecoder().decode(Document.self, from: yaml).item
        #expect(item == Settings(name: "base", enabled: true, count: 2))
    }

    @Test("a wrong shape is a type mismatch at the coding path; a missing key is keyNotFound")
    func errors() throws {
        do {
            _ = try YAMLDecoder().decode(Settings.self, from: "name: n\nenabled: maybe\n")
            Issue.record("maybe decoded as a Bool")
        } catch DecodingError.typeMismatch(let type, let context) {
            #expect(type is Bool.Type)
            #expect(context.codingPath.map(\.stringValue) == ["enabled"])
        }
        do {
            _ = try YAMLDecoder().decode(Settings.self, from: "enabled: true\n")
            Issue.record("decoded without name")
        } catch DecodingError.keyNotFound(let key, _) {
            #expect(key.stringValue == "name")
        }
        do {
            _ = try YAMLDecoder().decode(Settings.self, from: "name: [a\n")
            Issue.record("decoded broken YAML")
        } catch DecodingError.dataCorrupted(let context) {
            #expect(context.debugDescription == "The given data was not valid YAML.")
            #expect(context.underlyingError is YAMLError)
        }
    }
}
