// The request-independent core: the locked cluster state, seeding, watch bookkeeping and configuration.
import Foundation
import Logging
import Synchronization

/// An HTTP request as the core sees it (already fully read).
struct APIRequest: Sendable {
    var method: String
    var path: String
    var query: [String: String]
    /// Header names lowercased.
    var headers: [String: String]
    var body: [UInt8]

    /// Splits `target` (`/api/v1/nodes?watch=true`) into path and decoded query parameters.
    init(method: String, target: String, headers: [String: String], body: [UInt8]) {
        self.method = method.uppercased()
        self.headers = headers
        self.body = body
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        path = String(parts.first ?? "/")
        var query: [String: String] = [:]
        if parts.count > 1 {
            for pair in parts[1].split(separator: "&") {
                let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = Self.decode(keyValue[0])
                query[key] = keyValue.count > 1 ? Self.decode(keyValue[1]) : ""
            }
        }
        self.query = query
    }

    private static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

/// What the core answers: a complete body, or a watch stream.
enum APIResponse: Sendable {
    case full(status: Int, contentType: String, body: [UInt8], headers: [(String, String)])
    case watch(WatchSession)

    static func json(_ status: Int, _ body: JSON, contentType: String = "application/json") -> APIResponse {
        .full(status: status, contentType: contentType, body: body.serializedBytes(), headers: [])
    }

    static func error(_ error: APIError) -> APIResponse {
        var headers: [(String, String)] = []
        if let retry = error.retryAfterSeconds { headers.append(("Retry-After", String(retry))) }
        return .full(status: error.code, contentType: "application/json", body: error.status.serializedBytes(), headers: headers)
    }
}

/// Shared by the HTTP shell and the public facade: state, faults and settings.
final class EmulatorCore: Sendable {
    let state: Mutex<ClusterState>
    let faults = FaultController()
    let tokens: Set<String>
    let bookmarkInterval: Duration
    let logger: Logger
    let serverAddress = Mutex("127.0.0.1:0")

    init(configuration: KubeEmulator.Configuration) {
        tokens = Set(configuration.tokens)
        bookmarkInterval = configuration.bookmarkInterval
        logger = configuration.logger
        var cluster = ClusterState(historyLimit: configuration.historyLimit, now: configuration.now)
        if let namespaces = cluster.resources["namespaces"] {
            for name in ["default", "kube-system", "kube-public", "kube-node-lease"] {
                _ = cluster.create(.object(["metadata": .object(["name": .string(name)])]), resource: namespaces,
                                   apiVersion: "v1", namespace: nil)
            }
        }
        state = Mutex(cluster)
    }

    // MARK: - Seeding and inspection

    /// Finds the resource of an object by `apiVersion` and `kind`.
    func resource(apiVersion: String, kind: String) -> ResourceType? {
        let (group, version) = Self.split(apiVersion: apiVersion)
        return state.withLock { state in
            state.resources.values.first { $0.group == group && $0.kind == kind && $0.versions.contains(version) }
        }
    }

    static func split(apiVersion: String) -> (group: String, version: String) {
        let parts = apiVersion.split(separator: "/", maxSplits: 1)
        if parts.count == 2 { return (String(parts[0]), String(parts[1])) }
        return ("", apiVersion)
    }

    // MARK: - Watches

    func endWatch(_ id: Int) {
        let watcher = state.withLock { $0.removeWatcher(id) }
        watcher?.continuation.finish()
    }

    func closeAllWatches() {
        let watchers = state.withLock { state -> [Watcher] in
            let all = Array(state.watchers.values)
            state.watchers.removeAll()
            return all
        }
        for watcher in watchers { watcher.continuation.finish() }
    }
}
