// A JSON value for assertions that keeps numbers, strings, booleans and null apart, decoded with Foundation.
import Foundation

/// Decoded JSON; object member order is not kept (assertions on order use the raw text).
indirect enum Value: Equatable, Decodable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([Value]), object([String: Value])

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { self = .null; return }
        if let flag = try? single.decode(Bool.self) { self = .bool(flag); return }
        if let number = try? single.decode(Int.self) { self = .int(number); return }
        if let number = try? single.decode(Double.self) { self = .double(number); return }
        if let text = try? single.decode(String.self) { self = .string(text); return }
        if let items = try? single.decode([Value].self) { self = .array(items); return }
        self = .object(try single.decode([String: Value].self))
    }

    static func parse(_ bytes: [UInt8]) -> Value? { try? JSONDecoder().decode(Value.self, from: Data(bytes)) }

    subscript(key: String) -> Value? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    subscript(index: Int) -> Value? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    var string: String? { if case .string(let text) = self { text } else { nil } }
    var int: Int? { if case .int(let number) = self { number } else { nil } }
    var bool: Bool? { if case .bool(let flag) = self { flag } else { nil } }
    var array: [Value]? { if case .array(let items) = self { items } else { nil } }
    var keys: Set<String> { if case .object(let members) = self { Set(members.keys) } else { [] } }
}
