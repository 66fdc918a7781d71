// Composes one YAML document into a YAMLNode tree from the system libyaml's parse events.
private import CYAML

extension YAMLNode {
    /// Composes the single document of `yaml`.
    ///
    /// Aliases are replaced by their anchored node; a mapping that repeats a key, an undefined alias or
    /// a second document is an error.
    ///
    /// - Returns: The root node, or `nil` for a text without a document (empty, or only comments).
    /// - Throws: ``YAMLError`` naming the line and column.
    public static func compose(yaml: String) throws(YAMLError) -> YAMLNode? {
        var bytes = Array(yaml.utf8)
        if bytes.isEmpty { bytes = [0] }  // a valid pointer even for an empty text; the length stays 0
        let length = yaml.utf8.count
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            var composer = try Composer(yaml: yaml, input: buffer.baseAddress, length: length)
            defer { composer.close() }
            return try composer.singleDocument()
        }
    }
}

/// Drives a `yaml_parser_t` over one input and builds nodes from its events.
private struct Composer {
    /// On the heap: libyaml keeps a pointer to the parser inside it, so it must never move.
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private var anchors: [String: YAMLNode] = [:]
    private let yaml: String

    init(yaml: String, input: UnsafePointer<UInt8>?, length: Int) throws(YAMLError) {
        self.yaml = yaml
        parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        parser.initialize(to: yaml_parser_t())
        guard yaml_parser_initialize(parser) == 1 else {
            parser.deallocate()
            throw YAMLError(.memory, problem: "cannot allocate a YAML parser", mark: YAMLMark(line: 1, column: 1), yaml: yaml)
        }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, input, length)
    }

    /// Frees the parser; call exactly once.
    func close() {
        yaml_parser_delete(parser)
        parser.deallocate()
    }

    /// The stream's only document, as `Yams.compose` reads it.
    mutating func singleDocument() throws(YAMLError) -> YAMLNode? {
        try expect(next(), YAML_STREAM_START_EVENT)
        let first = try next()
        guard first.type != YAML_STREAM_END_EVENT else { return nil }
        let root = try node(from: try next())
        try expect(next(), YAML_DOCUMENT_END_EVENT)
        let after = try next()
        guard after.type == YAML_STREAM_END_EVENT else {
            throw YAMLError(
                .composer, problem: "but found another document", mark: after.mark,
                context: ("expected a single document in the stream", YAMLMark(line: 1, column: 1)), yaml: yaml)
        }
        return root
    }

    /// One parse event, copied out of libyaml's buffers.
    struct Event {
        var type: yaml_event_type_t
        var mark: YAMLMark
        var anchor: String?
        var tag: String?
        var value = ""
        var style = YAMLNode.Scalar.Style.plain
    }

    private mutating func next() throws(YAMLError) -> Event {
        var raw = yaml_event_t()
        guard yaml_parser_parse(parser, &raw) == 1 else { throw parserError() }
        defer { yaml_event_delete(&raw) }
        var event = Event(
            type: raw.type,
            mark: YAMLMark(line: Int(raw.start_mark.line) + 1, column: Int(raw.start_mark.column) + 1))
        switch raw.type {
        case YAML_SCALAR_EVENT:
            let scalar = raw.data.scalar
            event.anchor = Self.string(scalar.anchor)
            event.tag = Self.tag(scalar.tag)
            event.value = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? ""
            event.style = switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: .literal
            case YAML_FOLDED_SCALAR_STYLE: .folded
            default: .plain
            }
        case YAML_ALIAS_EVENT:
            event.anchor = Self.string(raw.data.alias.anchor)
        case YAML_SEQUENCE_START_EVENT:
            event.anchor = Self.string(raw.data.sequence_start.anchor)
            event.tag = Self.tag(raw.data.sequence_start.tag)
        case YAML_MAPPING_START_EVENT:
            event.anchor = Self.string(raw.data.mapping_start.anchor)
            event.tag = Self.tag(raw.data.mapping_start.tag)
        default:
            break
        }
        return event
    }

    private mutating func node(from event: Event) throws(YAMLError) -> YAMLNode {
        let node: YAMLNode
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let name = event.anchor, let anchored = anchors[name] else {
                throw YAMLError(.composer, problem: "found undefined alias", mark: event.mark, yaml: yaml)
            }
            return anchored
        case YAML_SCALAR_EVENT:
            node = .scalar(YAMLNode.Scalar(event.value, style: event.style, tag: event.tag, mark: event.mark))
        case YAML_SEQUENCE_START_EVENT:
            var items: [YAMLNode] = []
            var item = try next()
            while item.type != YAML_SEQUENCE_END_EVENT {
                items.append(try self.node(from: item))
                item = try next()
            }
            node = .sequence(items)
        case YAML_MAPPING_START_EVENT:
            var pairs: [(key: YAMLNode, value: YAMLNode)] = []
            var keyEvent = try next()
            while keyEvent.type != YAML_MAPPING_END_EVENT {
                let key = try self.node(from: keyEvent)
                let value = try self.node(from: try next())
                pairs.append((key, value))
                keyEvent = try next()
            }
            try checkDuplicates(pairs)
            node = .mapping(YAMLNode.Mapping(pairs, mark: event.mark))
        default:
            throw YAMLError(.composer, problem: "unexpected parse event \(event.type.rawValue)", mark: event.mark, yaml: yaml)
        }
        if let anchor = event.anchor { anchors[anchor] = node }
        return node
    }

    /// Rejects a mapping whose scalar keys repeat (same text and same resolved type, as Yams compares).
    private func checkDuplicates(_ pairs: [(key: YAMLNode, value: YAMLNode)]) throws(YAMLError) {
        var seen: [ScalarKey: Int] = [:]
        var repeated: [ScalarKey: YAMLMark] = [:]
        for pair in pairs {
            guard let scalar = pair.key.scalar else { continue }
            let key = ScalarKey(string: scalar.string, type: YAMLTypeResolution.resolvedTag(of: scalar))
            seen[key, default: 0] += 1
            if seen[key] == 2 { repeated[key] = scalar.mark }
        }
        guard let first = repeated.min(by: { $0.key.string < $1.key.string }) else { return }
        throw YAMLError(
            .duplicateKeys, problem: first.key.string, mark: first.value,
            duplicateKeys: repeated.keys.map(\.string).sorted(), yaml: yaml)
    }

    private struct ScalarKey: Hashable {
        var string: String
        var type: String
    }

    private func expect(_ event: Event, _ type: yaml_event_type_t) throws(YAMLError) {
        guard event.type == type else {
            throw YAMLError(.composer, problem: "unexpected parse event \(event.type.rawValue)", mark: event.mark, yaml: yaml)
        }
    }

    private func parserError() -> YAMLError {
        let parser = self.parser.pointee
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        let context = parser.context.map {
            (String(cString: $0), YAMLMark(line: Int(parser.context_mark.line) + 1, column: Int(parser.context_mark.column) + 1))
        }
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(.memory, problem: problem, mark: YAMLMark(line: 1, column: 1), yaml: yaml)
        case YAML_READER_ERROR:
            return YAMLError(.reader, problem: problem, mark: Self.mark(ofByteOffset: parser.problem_offset, in: yaml), yaml: yaml)
        default:
            let kind: YAMLError.Kind = parser.error == YAML_SCANNER_ERROR ? .scanner : parser.error == YAML_PARSER_ERROR ? .parser : .composer
            let mark = YAMLMark(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1)
            return YAMLError(kind, problem: problem, mark: mark, context: context, yaml: yaml)
        }
    }

    /// Line and column (in characters) of a byte offset.
    private static func mark(ofByteOffset offset: Int, in text: String) -> YAMLMark {
        let prefix = text.utf8.prefix(offset)
        let line = prefix.reduce(0) { $1 == 10 ? $0 + 1 : $0 }
        let lineStart = prefix.lastIndex(of: 10).map { prefix.index(after: $0) } ?? prefix.startIndex
        let column = String(decoding: prefix[lineStart...], as: UTF8.self).count
        return YAMLMark(line: line + 1, column: column + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// An explicit tag, or `nil` for none and for the non-specific `!`.
    private static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let tag = string(pointer), tag != "!" else { return nil }
        return tag
    }
}
