// The one JSON encoder/decoder configuration used for every Kubernetes body.
import FoundationEssentials

/// Encoding and decoding of Kubernetes JSON bodies with one shared configuration.
///
/// Keys are sorted so bodies are deterministic (tests compare them byte for byte); unknown members are
/// ignored when decoding (Kubernetes adds fields over time, e.g. `managedFields`).
public enum KubeJSON {
    /// Encodes `value` as compact JSON with sorted keys.
    ///
    /// - Throws: `KubeClientError` with code `.encoding`.
    public static func encode(_ value: some Encodable) throws(KubeClientError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(value))
        } catch {
            throw KubeClientError(.encoding, "cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    /// Decodes `type` from JSON bytes.
    ///
    /// - Throws: `KubeClientError` with code `.decoding`, naming the type and the failing path.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws(KubeClientError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw KubeClientError(.decoding, "cannot decode \(T.self): \(describe(error))")
        } catch {
            throw KubeClientError(.decoding, "cannot decode \(T.self): \(error)")
        }
    }

    /// A one-line description of a `DecodingError` with the coding path, for error messages.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let joined = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.isEmpty ? "<root>" : String(joined.drop(while: { $0 == "." }))
        }
        switch error {
        case .typeMismatch(let type, let context):
            return "\(path(context)): expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context):
            return "\(path(context)): missing \(type) value"
        case .keyNotFound(let key, let context):
            let prefix = path(context)
            return "\(prefix == "<root>" ? "" : prefix + ".")\(key.stringValue): required field is missing"
        case .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}
