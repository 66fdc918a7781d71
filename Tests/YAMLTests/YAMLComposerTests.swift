// Tests of composing YAML through libyaml: styles, anchors, comments, block scalars and every error path.
import Testing
import YAML

@Suite("Composing YAML documents")
struct YAMLComposerTests {
    private func compose(_ yaml: String) throws -> YAMLNode {
        try #require(try YAMLNode.compose(yaml: yaml))
    }

    private func failure(_ yaml: String) -> YAMLError? {
        do {
            _ = try YAMLNode.compose(yaml: yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test("mappings keep document order and scalars keep their style and explicit tag")
    func orderAndStyles() throws {
        let root = try compose(
            """
            # a comment line
            zeta: plain   # a trailing comment
            alpha: 'single ''quoted'''
            mid: "double \\"quoted\\" \\u00e9"
            tagged: !!str 42
            empty:
            """)
        guard case .mapping(let mapping) = root else { Issue.record("not a mapping"); return }
        #expect(mapping.map { $0.key.scalar?.string } == ["zeta", "alpha", "mid", "tagged", "empty"])
        #expect(mapping["zeta"]?.scalar?.string == "plain")
        #expect(mapping["zeta"]?.scalar?.style == .plain)
        #expect(mapping["alpha"]?.scalar?.string == "single 'quoted'")
        #expect(mapping["alpha"]?.scalar?.style == .singleQuoted)
        #expect(mapping["mid"]?.scalar?.string == "double \"quoted\" é")
        #expect(mapping["mid"]?.scalar?.style == .doubleQuoted)
        #expect(mapping["tagged"]?.scalar?.tag == "tag:yaml.org,2002:str")
        #expect(mapping["empty"]?.scalar?.isNull == true)
        #expect(mapping["alpha"]?.scalar?.mark == YAMLMark(line: 3, column: 8))
    }

    @Test("literal and folded block scalars keep and fold newlines as YAML says")
    func blockScalars() throws {
        let root = try compose(
            """
            literal: |
              line one
              line two
            folded: >
              folded
              text

              new paragraph
            stripped: |-
              no trailing newline
            """)
        guard case .mapping(let mapping) = root else { Issue.record("not a mapping"); return }
        #expect(mapping["literal"]?.scalar?.string == "line one\nline two\n")
        #expect(mapping["literal"]?.scalar?.style == .literal)
        #expect(mapping["folded"]?.scalar?.string == "folded text\nnew paragraph\n")
        #expect(mapping["folded"]?.scalar?.style == .folded)
        #expect(mapping["stripped"]?.scalar?.string == "no trailing newline")
    }

    @Test("an alias is replaced by the node its anchor names")
    func anchorsAndAliases() throws {
        let root = try compose(
            """
            base: &subnet {subnet: 10.0.0.0/24, gateway: 10.0.0.1}
            zones:
              a: [*subnet, *subnet]
            """)
        guard case .mapping(let mapping) = root, case .mapping(let zones)? = mapping["zones"],
              case .sequence(let items)? = zones["a"]
        else { Issue.record("unexpected shape"); return }
        #expect(items.count == 2)
        for item in items {
            guard case .mapping(let subnet) = item else { Issue.record("alias is not the mapping"); continue }
            #expect(subnet["gateway"]?.scalar?.string == "10.0.0.1")
        }
    }

    @Test("an empty text or one with only comments has no document")
    func emptyText() throws {
        #expect(try YAMLNode.compose(yaml: "") == nil)
        #expect(try YAMLNode.compose(yaml: "# nothing here\n") == nil)
    }

    @Test("a syntax error names libyaml's problem, line and column")
    func syntaxError() throws {
        let error = try #require(failure("clusterID: [a"))
        #expect(error.kind == .parser)
        #expect(error.problem == "did not find expected ',' or ']'")
        #expect(error.mark == YAMLMark(line: 2, column: 1))
        #expect(error.description.hasPrefix("2:1: error: parser: while parsing a flow sequence in line 1, column 12\n"))
    }

    @Test("a tab used for indentation is a scanner error")
    func scannerError() throws {
        let error = try #require(failure("a:\n\tb: 1\n"))
        #expect(error.kind == .scanner)
        #expect(error.mark.line == 2)
    }

    @Test("a repeated key is an error listing the keys; the same text quoted and as a number are different keys")
    func duplicateKeys() throws {
        let error = try #require(failure("b: 1\na: 2\nb: 3\na: 4\n"))
        #expect(error.kind == .duplicateKeys)
        #expect(error.duplicateKeys == ["a", "b"])
        #expect(failure("x: 1\n'x': 2\n")?.duplicateKeys == ["x"])
        #expect(failure("1: a\n'1': b\n") == nil)
    }

    @Test("an undefined alias and a second document are composer errors")
    func composerErrors() throws {
        #expect(failure("a: *missing\n")?.problem == "found undefined alias")
        let second = try #require(failure("a: 1\n---\nb: 2\n"))
        #expect(second.kind == .composer)
        #expect(second.problem == "but found another document")
        #expect(second.mark.line == 2)
    }
}
