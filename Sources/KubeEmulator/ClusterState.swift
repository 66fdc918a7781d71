// The in-memory cluster: objects per resource, the global resourceVersion counter, event history and watchers.
import Foundation

/// One change in the history, with the object before the change so watches with selectors and
/// lists at an older resourceVersion can be answered.
struct StoredEvent: Sendable {
    var resourceVersion: UInt64
    var resourceKey: String
    var type: String
    var object: JSON
    var previous: JSON?
}

/// One event as a watch sends it: `{"type": …, "object": …}`.
public struct WatchMessage: Sendable, Equatable {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    public var type: String
    /// The object (a `Status` for `ERROR`).
    public var object: JSON

    /// The newline-terminated wire form.
    var line: [UInt8] { JSON.object(["type": .string(type), "object": object]).serializedBytes() + [0x0A] }
}

/// A registered watch: what it wants and where its events go.
struct Watcher: Sendable {
    var resource: ResourceType
    var filter: ObjectFilter
    var continuation: AsyncStream<WatchMessage>.Continuation
}

/// Where an object lives: resource key plus `namespace/name` (just `name` when cluster-scoped).
struct ObjectAddress: Hashable, Sendable, Comparable {
    var resourceKey: String
    var objectKey: String

    static func < (lhs: ObjectAddress, rhs: ObjectAddress) -> Bool {
        (lhs.resourceKey, lhs.objectKey) < (rhs.resourceKey, rhs.objectKey)
    }

    static func objectKey(namespace: String?, name: String) -> String {
        if let namespace, !namespace.isEmpty { return "\(namespace)/\(name)" }
        return name
    }
}

/// All mutable state of the emulator; always used under one lock, so every method is plain synchronous code.
struct ClusterState {
    /// The last resourceVersion handed out.
    private(set) var resourceVersion: UInt64 = 0
    var resources: [String: ResourceType] = [:]
    var objects: [String: [String: JSON]] = [:]
    /// uid → address of the live object.
    var uidIndex: [String: ObjectAddress] = [:]
    /// owner uid → dependents that name it in ownerReferences.
    var dependentsIndex: [String: Set<ObjectAddress>] = [:]
    var history: [StoredEvent] = []
    /// Events with a resourceVersion up to this one are gone: older starting points get 410.
    var compactedThrough: UInt64 = 0
    var historyLimit: Int
    var watchers: [Int: Watcher] = [:]
    var nextWatcherID = 0
    var now: @Sendable () -> Date

    init(historyLimit: Int, now: @escaping @Sendable () -> Date) {
        self.historyLimit = historyLimit
        self.now = now
        for resource in ResourceType.builtIns { resources[resource.key] = resource }
    }

    // MARK: - Lookup

    /// The resource served at `group/version` under `plural`.
    func resource(group: String, version: String, plural: String) -> ResourceType? {
        let key = group.isEmpty ? plural : "\(plural).\(group)"
        guard let resource = resources[key], resource.versions.contains(version) else { return nil }
        return resource
    }

    func object(_ resource: ResourceType, namespace: String?, name: String) -> JSON? {
        objects[resource.key]?[ObjectAddress.objectKey(namespace: resource.namespaced ? namespace : nil, name: name)]
    }

    // MARK: - Storage primitives

    mutating func nextResourceVersion() -> UInt64 {
        resourceVersion += 1
        return resourceVersion
    }

    static func address(of object: JSON, resource: ResourceType) -> ObjectAddress {
        let meta = object["metadata"]
        let namespace = resource.namespaced ? meta?["namespace"]?.stringValue : nil
        return ObjectAddress(resourceKey: resource.key,
                             objectKey: ObjectAddress.objectKey(namespace: namespace, name: meta?["name"]?.stringValue ?? ""))
    }

    /// Stores `object` under a new resourceVersion and records the event; returns the stored object.
    @discardableResult
    mutating func put(_ object: JSON, resource: ResourceType, type: String, previous: JSON?) -> JSON {
        var stored = object
        let version = nextResourceVersion()
        stored.setValue(.string(String(version)), at: ["metadata", "resourceVersion"])
        let address = Self.address(of: stored, resource: resource)
        if let previous { unindex(previous, address: address) }
        objects[resource.key, default: [:]][address.objectKey] = stored
        index(stored, address: address)
        record(StoredEvent(resourceVersion: version, resourceKey: resource.key, type: type, object: stored, previous: previous))
        return stored
    }

    /// Removes an object under a new resourceVersion and records DELETED with its last state (`object`);
    /// `stored` is the version currently in the store when it differs (a write that removed the last finalizer).
    @discardableResult
    mutating func remove(_ object: JSON, resource: ResourceType, stored: JSON? = nil) -> JSON {
        var last = object
        let version = nextResourceVersion()
        last.setValue(.string(String(version)), at: ["metadata", "resourceVersion"])
        let address = Self.address(of: object, resource: resource)
        objects[resource.key]?[address.objectKey] = nil
        unindex(stored ?? object, address: address)
        record(StoredEvent(resourceVersion: version, resourceKey: resource.key, type: "DELETED", object: last,
                           previous: stored ?? object))
        return last
    }

    private mutating func index(_ object: JSON, address: ObjectAddress) {
        if let uid = object["metadata"]?["uid"]?.stringValue { uidIndex[uid] = address }
        for owner in Self.ownerUIDs(of: object) { dependentsIndex[owner, default: []].insert(address) }
    }

    private mutating func unindex(_ object: JSON, address: ObjectAddress) {
        if let uid = object["metadata"]?["uid"]?.stringValue, uidIndex[uid] == address { uidIndex[uid] = nil }
        for owner in Self.ownerUIDs(of: object) {
            dependentsIndex[owner]?.remove(address)
            if dependentsIndex[owner]?.isEmpty == true { dependentsIndex[owner] = nil }
        }
    }

    static func ownerUIDs(of object: JSON) -> [String] {
        (object["metadata"]?["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    private mutating func record(_ event: StoredEvent) {
        history.append(event)
        if history.count > historyLimit {
            let drop = history.count - historyLimit
            compactedThrough = history[drop - 1].resourceVersion
            history.removeFirst(drop)
        }
        for watcher in watchers.values where watcher.resource.key == event.resourceKey {
            if let message = Self.translate(event, filter: watcher.filter) { watcher.continuation.yield(message) }
        }
    }

    /// Forgets all history: watches and exact lists from any earlier resourceVersion now get 410.
    mutating func compact() {
        history.removeAll()
        compactedThrough = resourceVersion
    }

    /// What a watcher with `filter` sees of `event` (selector transitions become ADDED/DELETED).
    static func translate(_ event: StoredEvent, filter: ObjectFilter) -> WatchMessage? {
        let nowMatches = filter.matches(event.object)
        let wasMatching = event.previous.map(filter.matches) ?? false
        switch event.type {
        case "ADDED":
            return nowMatches ? WatchMessage(type: "ADDED", object: event.object) : nil
        case "DELETED":
            return (wasMatching || nowMatches) ? WatchMessage(type: "DELETED", object: event.object) : nil
        default:
            switch (wasMatching, nowMatches) {
            case (true, true): return WatchMessage(type: "MODIFIED", object: event.object)
            case (false, true): return WatchMessage(type: "ADDED", object: event.object)
            case (true, false): return WatchMessage(type: "DELETED", object: event.object)
            case (false, false): return nil
            }
        }
    }

    // MARK: - Snapshots

    /// The objects of a resource as they were at `version` (rebuilt from history), or `nil` if that is compacted.
    func snapshot(of resource: ResourceType, at version: UInt64) -> [String: JSON]? {
        var state = objects[resource.key] ?? [:]
        if version >= resourceVersion { return state }
        guard version >= compactedThrough else { return nil }
        for event in history.reversed() where event.resourceVersion > version {
            guard event.resourceKey == resource.key else { continue }
            let key = Self.address(of: event.object, resource: resource).objectKey
            if event.type == "ADDED" {
                state[key] = nil
            } else {
                state[key] = event.previous
            }
        }
        return state
    }

    // MARK: - Watchers

    mutating func addWatcher(_ watcher: Watcher) -> Int {
        nextWatcherID += 1
        watchers[nextWatcherID] = watcher
        return nextWatcherID
    }

    mutating func removeWatcher(_ id: Int) -> Watcher? {
        watchers.removeValue(forKey: id)
    }

    /// A BOOKMARK for the watcher at the current resourceVersion (every earlier event was already delivered).
    func bookmark(for id: Int, annotations: [String: String] = [:]) -> Bool {
        guard let watcher = watchers[id] else { return false }
        watcher.continuation.yield(Self.bookmarkMessage(resource: watcher.resource, resourceVersion: resourceVersion,
                                                        annotations: annotations))
        return true
    }

    static func bookmarkMessage(resource: ResourceType, resourceVersion: UInt64, annotations: [String: String] = [:]) -> WatchMessage {
        var metadata: [String: JSON] = ["resourceVersion": .string(String(resourceVersion))]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSON.string)) }
        return WatchMessage(type: "BOOKMARK", object: .object([
            "kind": .string(resource.kind), "apiVersion": .string(resource.preferredAPIVersion), "metadata": .object(metadata),
        ]))
    }

    // MARK: - Time and identity

    /// RFC 3339 with whole seconds, UTC (`2006-01-02T15:04:05Z`), as `metav1.Time` serializes.
    func timestamp() -> String { Self.format(now()) }

    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
