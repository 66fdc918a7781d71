// Reads: paged lists at a consistent resourceVersion, and watch registration with the initial events.
import Foundation

/// One page of a list.
struct ListPage: Sendable {
    var items: [JSON]
    var resourceVersion: UInt64
    var continueToken: String?
    var remainingItemCount: Int?
}

/// The query parameters of a list.
struct ListRequest: Sendable {
    var filter: ObjectFilter
    var limit: Int?
    var continueToken: String?
    var resourceVersion: String?
    var resourceVersionMatch: String?
}

/// The query parameters of a watch.
struct WatchRequest: Sendable {
    var filter: ObjectFilter
    var resourceVersion: String?
    var sendInitialEvents: Bool
    var allowBookmarks: Bool
}

/// A continue token: the list snapshot's resourceVersion and the last key served (base64 JSON, opaque to clients).
struct ContinueToken: Equatable {
    var resourceVersion: UInt64
    var lastKey: String

    var encoded: String {
        let json = JSON.object(["rv": .string(String(resourceVersion)), "start": .string(lastKey)])
        return Data(json.serializedBytes()).base64EncodedString()
    }

    init(resourceVersion: UInt64, lastKey: String) {
        self.resourceVersion = resourceVersion
        self.lastKey = lastKey
    }

    init?(decoding text: String) {
        guard let data = Data(base64Encoded: text), let json = try? JSON.parse(Array(data)),
              let version = json["rv"]?.stringValue.flatMap(UInt64.init), let start = json["start"]?.stringValue
        else { return nil }
        self.init(resourceVersion: version, lastKey: start)
    }
}

extension ClusterState {
    mutating func list(_ resource: ResourceType, request: ListRequest) -> Result<ListPage, APIError> {
        var snapshotVersion = resourceVersion
        var startAfter: String?
        if let token = request.continueToken, !token.isEmpty {
            guard let decoded = ContinueToken(decoding: token) else {
                return .failure(.badRequest("continue key is not valid: illegal base64 data"))
            }
            guard decoded.resourceVersion >= compactedThrough else { return .failure(.expiredContinue) }
            snapshotVersion = decoded.resourceVersion
            startAfter = decoded.lastKey
        } else if let text = request.resourceVersion, !text.isEmpty, text != "0" {
            guard let version = UInt64(text) else {
                return .failure(.badRequest("resourceVersion: Invalid value: \"\(text)\": must be a valid resourceVersion"))
            }
            if request.resourceVersionMatch == "Exact" {
                guard version >= compactedThrough else {
                    return .failure(.tooOld(requested: version, oldest: compactedThrough + 1))
                }
                snapshotVersion = min(version, resourceVersion)
            }
        } else if request.resourceVersionMatch != nil, request.resourceVersion == nil {
            return .failure(.badRequest("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"))
        }
        guard let state = snapshot(of: resource, at: snapshotVersion) else {
            return .failure(request.continueToken == nil ? .tooOld(requested: snapshotVersion, oldest: compactedThrough + 1) : .expiredContinue)
        }
        let keys = state.keys.sorted().filter { key in startAfter.map { key > $0 } ?? true }
        var items: [JSON] = []
        var lastKey: String?
        var remaining = 0
        for key in keys {
            guard let object = state[key], request.filter.matches(object) else { continue }
            if let limit = request.limit, limit > 0, items.count >= limit {
                remaining += 1
                continue
            }
            items.append(object)
            lastKey = key
        }
        let token = remaining > 0 ? lastKey.map { ContinueToken(resourceVersion: snapshotVersion, lastKey: $0).encoded } : nil
        // Like the real server, the count is only given for unfiltered lists (with selectors it would be a guess).
        let filtered = request.filter.labels != nil || request.filter.fields != nil
        return .success(ListPage(items: items, resourceVersion: snapshotVersion, continueToken: token,
                                 remainingItemCount: remaining > 0 && !filtered ? remaining : nil))
    }

    /// Registers a watch and queues its first events; `nil` id means the stream already holds a 410 ERROR and ended.
    mutating func watch(_ resource: ResourceType, request: WatchRequest) -> Result<(id: Int?, stream: AsyncStream<WatchMessage>), APIError> {
        let (stream, continuation) = AsyncStream<WatchMessage>.makeStream()
        let text = request.resourceVersion ?? ""
        if text.isEmpty || text == "0" || request.sendInitialEvents {
            let state = objects[resource.key] ?? [:]
            for key in state.keys.sorted() {
                guard let object = state[key], request.filter.matches(object) else { continue }
                continuation.yield(WatchMessage(type: "ADDED", object: object))
            }
            if request.sendInitialEvents && request.allowBookmarks {
                continuation.yield(Self.bookmarkMessage(resource: resource, resourceVersion: resourceVersion,
                                                        annotations: ["k8s.io/initial-events-end": "true"]))
            }
        } else {
            guard let version = UInt64(text) else {
                return .failure(.badRequest("resourceVersion: Invalid value: \"\(text)\": must be a valid resourceVersion"))
            }
            guard version >= compactedThrough else {
                continuation.yield(WatchMessage(type: "ERROR",
                                                object: APIError.tooOld(requested: version, oldest: compactedThrough + 1).status))
                continuation.finish()
                return .success((nil, stream))
            }
            for event in history where event.resourceVersion > version && event.resourceKey == resource.key {
                if let message = Self.translate(event, filter: request.filter) { continuation.yield(message) }
            }
        }
        let id = addWatcher(Watcher(resource: resource, filter: request.filter, continuation: continuation))
        return .success((id, stream))
    }
}
