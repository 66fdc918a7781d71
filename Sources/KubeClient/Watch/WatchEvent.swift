// WatchEvent and the pure decoder of one watch line into an event.

/// One event of a watch stream.
public enum WatchEvent<T: KubernetesObject>: Sendable {
    /// An object appeared (or, at the start of a watch without resourceVersion, already existed).
    case added(T)
    /// An object changed.
    case modified(T)
    /// An object was deleted; this is its last state.
    case deleted(T)
    /// No object change: the watch has seen everything up to `resourceVersion`. Restart from it.
    case bookmark(resourceVersion: String)
    /// The server reported a problem inside the stream, e.g. 410 Expired ("too old resource version"):
    /// relist. Never decoded as `T`.
    case error(Status)

    /// The object of `added`, `modified` and `deleted`.
    public var object: T? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark, .error: nil
        }
    }

    /// The resourceVersion to resume from after this event, if it carries one.
    public var resourceVersion: String? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object.metadata.resourceVersion
        case .bookmark(let resourceVersion): resourceVersion
        case .error: nil
        }
    }
}

/// Decodes the lines of a watch stream (`{"type":"ADDED","object":{…}}\n`); pure.
public enum WatchEventDecoder {
    /// Decodes one line (with or without its trailing newline).
    ///
    /// - Returns: `nil` for a blank line (servers may send keep-alive newlines).
    /// - Throws: `KubeClientError` with code `.decoding` for malformed JSON, an unknown event type, or an
    ///   object that does not decode as `T`; the message includes the start of the line.
    public static func decode<T: KubernetesObject>(_ type: T.Type, line: some Collection<UInt8>)
        throws(KubeClientError) -> WatchEvent<T>?
    {
        guard line.contains(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }) else { return nil }
        do {
            return try KubeJSON.decode(RawWatchEvent<T>.self, from: line).event
        } catch {
            let prefix = String(decoding: line.prefix(200), as: UTF8.self)
            throw KubeClientError(.decoding, "watch line for \(T.resource): \(error.message); line: \(prefix)")
        }
    }
}

/// The envelope of one watch line; the object's shape depends on `type`, so it is decoded in one pass.
private struct RawWatchEvent<T: KubernetesObject>: Decodable {
    let event: WatchEvent<T>

    private enum CodingKeys: String, CodingKey {
        case type, object
    }

    private struct BookmarkObject: Decodable {
        struct Metadata: Decodable { let resourceVersion: String? }
        let metadata: Metadata?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "ADDED": event = .added(try container.decode(T.self, forKey: .object))
        case "MODIFIED": event = .modified(try container.decode(T.self, forKey: .object))
        case "DELETED": event = .deleted(try container.decode(T.self, forKey: .object))
        case "BOOKMARK":
            let object = try container.decode(BookmarkObject.self, forKey: .object)
            guard let resourceVersion = object.metadata?.resourceVersion, !resourceVersion.isEmpty else {
                throw DecodingError.dataCorruptedError(
                    forKey: .object, in: container, debugDescription: "BOOKMARK without metadata.resourceVersion")
            }
            event = .bookmark(resourceVersion: resourceVersion)
        case "ERROR":
            // An ERROR object that is not a Status still ends up as an error event, never as a T.
            let status = (try? container.decodeIfPresent(Status.self, forKey: .object)) ?? nil
            event = .error(status ?? Status(message: "watch ERROR event without a Status object"))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown watch event type \(type)")
        }
    }
}
