// Decodes the few protobuf request bodies kubectl's typed generators send (`kubectl create namespace|configmap|secret|serviceaccount`).
import Foundation

/// kubectl sends `application/vnd.kubernetes.protobuf` for built-in objects it builds itself; the emulator
/// stores JSON, so these bodies are translated (magic `k8s\0` + `runtime.Unknown{typeMeta, raw}`, field numbers
/// from `k8s.io/api/core/v1/generated.proto`). Other kinds are refused with 415 so the gap is visible.
enum ProtobufDecoding {
    static let contentType = "application/vnd.kubernetes.protobuf"

    enum Field {
        case varint(UInt64)
        case bytes([UInt8])
        case fixed
    }

    /// Decodes one envelope into a JSON object, or explains why it cannot.
    static func decode(_ body: [UInt8]) -> Result<JSON, APIError> {
        guard body.count >= 4, Array(body[0..<4]) == [0x6B, 0x38, 0x73, 0x00] else {
            return .failure(.badRequest("the protobuf body does not start with the Kubernetes magic number"))
        }
        var apiVersion = ""
        var kind = ""
        var raw: [UInt8] = []
        for (number, value) in fields(Array(body[4...])) {
            switch (number, value) {
            case (1, .bytes(let typeMeta)):
                for (inner, innerValue) in fields(typeMeta) {
                    if case .bytes(let text) = innerValue {
                        if inner == 1 { apiVersion = string(text) }
                        if inner == 2 { kind = string(text) }
                    }
                }
            case (2, .bytes(let bytes)): raw = bytes
            default: break
            }
        }
        var object: [String: JSON] = ["apiVersion": .string(apiVersion), "kind": .string(kind)]
        let top = fields(raw)
        switch (apiVersion, kind) {
        case ("v1", "ConfigMap"):
            for (number, value) in top {
                guard case .bytes(let bytes) = value else {
                    if number == 4, case .varint(let flag) = value { object["immutable"] = .bool(flag != 0) }
                    continue
                }
                switch number {
                case 1: object["metadata"] = objectMeta(bytes)
                case 2: merge(mapEntry(bytes, base64: false), into: &object, key: "data")
                case 3: merge(mapEntry(bytes, base64: true), into: &object, key: "binaryData")
                default: break
                }
            }
        case ("v1", "Secret"):
            for (number, value) in top {
                guard case .bytes(let bytes) = value else {
                    if number == 5, case .varint(let flag) = value { object["immutable"] = .bool(flag != 0) }
                    continue
                }
                switch number {
                case 1: object["metadata"] = objectMeta(bytes)
                case 2: merge(mapEntry(bytes, base64: true), into: &object, key: "data")
                case 3: object["type"] = .string(string(bytes))
                case 4: merge(mapEntry(bytes, base64: false), into: &object, key: "stringData")
                default: break
                }
            }
        case ("v1", "Namespace"), ("v1", "ServiceAccount"):
            for (number, value) in top {
                if number == 1, case .bytes(let bytes) = value { object["metadata"] = objectMeta(bytes) }
            }
        default:
            return .failure(APIError(
                code: 415, reason: "UnsupportedMediaType",
                message: "the emulator decodes protobuf only for ConfigMap, Secret, Namespace and ServiceAccount (got \(kind)); "
                    + "send JSON (e.g. kubectl create -f)"))
        }
        return .success(.object(object))
    }

    private static func merge(_ entry: (String, JSON)?, into object: inout [String: JSON], key: String) {
        guard let (name, value) = entry else { return }
        var map = object[key]?.objectValue ?? [:]
        map[name] = value
        object[key] = .object(map)
    }

    private static func objectMeta(_ bytes: [UInt8]) -> JSON {
        var meta: [String: JSON] = [:]
        for (number, value) in fields(bytes) {
            guard case .bytes(let data) = value else { continue }
            switch number {
            case 1: meta["name"] = .string(string(data))
            case 2: meta["generateName"] = .string(string(data))
            case 3: meta["namespace"] = .string(string(data))
            case 11: merge(mapEntry(data, base64: false), into: &meta, key: "labels")
            case 12: merge(mapEntry(data, base64: false), into: &meta, key: "annotations")
            case 14: meta["finalizers"] = .array((meta["finalizers"]?.arrayValue ?? []) + [.string(string(data))])
            default: break
            }
        }
        return .object(meta)
    }

    /// A `map<string, string|bytes>` entry (key = field 1, value = field 2).
    private static func mapEntry(_ bytes: [UInt8], base64: Bool) -> (String, JSON)? {
        var key: String?
        var value: [UInt8] = []
        for (number, field) in fields(bytes) {
            guard case .bytes(let data) = field else { continue }
            if number == 1 { key = string(data) }
            if number == 2 { value = data }
        }
        guard let key else { return nil }
        return (key, .string(base64 ? Data(value).base64EncodedString() : string(value)))
    }

    private static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The top-level fields of a message, in order; stops at the first malformed byte.
    static func fields(_ bytes: [UInt8]) -> [(Int, Field)] {
        var result: [(Int, Field)] = []
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count {
            guard let key = varint() else { break }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0:
                guard let value = varint() else { return result }
                result.append((number, .varint(value)))
            case 1:
                index += 8
                result.append((number, .fixed))
            case 2:
                guard let length = varint(), index + Int(length) <= bytes.count else { return result }
                result.append((number, .bytes(Array(bytes[index..<index + Int(length)]))))
                index += Int(length)
            case 5:
                index += 4
                result.append((number, .fixed))
            default:
                return result
            }
        }
        return result
    }
}
