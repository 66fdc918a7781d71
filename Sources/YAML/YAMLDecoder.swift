// Decodes Decodable values from YAML text, reading scalars the way Yams' YAMLDecoder does.

/// Decodes `Decodable` types from a YAML document.
///
/// Strings are read from any scalar as written; booleans from `true`/`yes`/`on` and `false`/`no`/`off`
/// in any case; numbers from plain scalars (decimal, `0x`, `0o`, `0b`, `.inf`, `.nan`); null from a plain
/// empty value, `~` or `null`. Merge keys (`<<: *anchor`) are applied, later keys winning.
public struct YAMLDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes `type` from the single document of `yaml`; an empty text decodes as an empty scalar.
    ///
    /// - Throws: `DecodingError`; text that is not YAML is `dataCorrupted` with the ``YAMLError`` as its
    ///   underlying error.
    public func decode<T: Decodable>(_ type: T.Type, from yaml: String) throws -> T {
        let root: YAMLNode
        do {
            root = try YAMLNode.compose(yaml: yaml) ?? .scalar(YAMLNode.Scalar(""))
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [], debugDescription: "The given data was not valid YAML.", underlyingError: error))
        }
        return try decode(type, from: root)
    }

    /// Decodes `type` from an already composed node.
    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode) throws -> T {
        try NodeDecoder(node: node, codingPath: []).decodeValue(type)
    }
}

/// The `Decoder` over one node.
private struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: YAMLNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .mapping(let mapping) = node else { throw mismatch("Mapping") }
        return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, pairs: Self.flattened(mapping)))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let items) = node else { throw mismatch("Sequence") }
        return UnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func child(_ node: YAMLNode, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, codingPath: codingPath + [key])
    }

    // MARK: - Single values

    func decodeNil() -> Bool { node.scalar?.isNull ?? false }

    func decode(_ type: String.Type) throws -> String { try scalar(expecting: type).string }

    func decode(_ type: Bool.Type) throws -> Bool {
        let scalar = try scalar(expecting: type)
        guard scalar.tag != "tag:yaml.org,2002:str", let value = YAMLTypeResolution.bool(scalar.string) else {
            throw mismatch(type, found: "Scalar")
        }
        return value
    }

    func decode(_ type: Double.Type) throws -> Double { try floatingPoint(type) }
    func decode(_ type: Float.Type) throws -> Float { Float(try floatingPoint(type)) }
    func decode(_ type: Int.Type) throws -> Int { try integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(type) }

    /// Decodes any type; scalar types come back through this container's typed `decode` overloads.
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }

    private func scalar(expecting type: Any.Type) throws -> YAMLNode.Scalar {
        switch node {
        case .scalar(let scalar): return scalar
        case .mapping: throw mismatch(type, found: "Mapping")
        case .sequence: throw mismatch(type, found: "Sequence")
        }
    }

    private func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let scalar = try scalar(expecting: type)
        guard scalar.style == .plain, let value = YAMLTypeResolution.integer(scalar.string, as: type) else {
            throw mismatch(type, found: "Scalar")
        }
        return value
    }

    private func floatingPoint(_ type: Any.Type) throws -> Double {
        let scalar = try scalar(expecting: type)
        guard scalar.style == .plain, let value = YAMLTypeResolution.floatingPoint(scalar.string) else {
            throw mismatch(type, found: "Scalar")
        }
        return value
    }

    private var kindName: String {
        switch node {
        case .scalar: "Scalar"
        case .mapping: "Mapping"
        case .sequence: "Sequence"
        }
    }

    private func mismatch(_ expectation: String) -> DecodingError {
        DecodingError.typeMismatch(
            YAMLNode.self,
            .init(codingPath: codingPath, debugDescription: "Expected to decode \(expectation) but found \(kindName) instead."))
    }

    private func mismatch(_ type: Any.Type, found: String) -> DecodingError {
        DecodingError.typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "Expected to decode \(type) but found \(found) instead."))
    }

    /// The pairs with merge keys (`<<`) replaced by the merged mappings' pairs, placed first so that the
    /// mapping's own keys win (a list of mappings merges with the earlier ones winning).
    static func flattened(_ mapping: YAMLNode.Mapping) -> [(key: YAMLNode, value: YAMLNode)] {
        var merged: [(key: YAMLNode, value: YAMLNode)] = []
        var own: [(key: YAMLNode, value: YAMLNode)] = []
        for pair in mapping {
            guard let key = pair.key.scalar, key.style == .plain, key.tag == nil, key.string == "<<" else {
                own.append(pair)
                continue
            }
            switch pair.value {
            case .mapping(let source):
                merged += flattened(source)
            case .sequence(let sources):
                for case .mapping(let source) in sources.reversed() { merged += flattened(source) }
            case .scalar:
                break
            }
        }
        return merged + own
    }
}

/// Keyed access to a mapping's pairs; the last pair with a key wins.
private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    let pairs: [(key: YAMLNode, value: YAMLNode)]

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { pairs.compactMap { $0.key.scalar.flatMap { Key(stringValue: $0.string) } } }

    func contains(_ key: Key) -> Bool { pairs.contains { $0.key.scalar?.string == key.stringValue } }

    private func child(_ key: some CodingKey) throws -> NodeDecoder {
        guard let node = pairs.last(where: { $0.key.scalar?.string == key.stringValue })?.value else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key) (\"\(key.stringValue)\")."))
        }
        return decoder.child(node, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).decodeNil() }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(type) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try child(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try child(key).unkeyedContainer() }
    func superDecoder() throws -> any Decoder { try child(NameKey(stringValue: "super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

/// Sequential access to a sequence's items.
private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [YAMLNode]
    var currentIndex = 0

    init(decoder: NodeDecoder, items: [YAMLNode]) {
        self.decoder = decoder
        self.items = items
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private mutating func next<T>(_ type: T.Type) throws -> NodeDecoder {
        let key = IndexKey(intValue: currentIndex)
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: codingPath + [key], debugDescription: "Unkeyed container is at end."))
        }
        currentIndex += 1
        return decoder.child(items[currentIndex - 1], key: key)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, items[currentIndex].scalar?.isNull == true else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type).decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder { try next((any Decoder).self) }
}

/// A coding key by name.
private struct NameKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The coding key of a sequence position.
private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
