// KubeRequestBuilder: pure construction of every verb's request (paths, queries, headers, bodies).

/// Builds the request of every verb for one resource type; pure, no I/O.
///
/// Paths: core `/api/v1/[namespaces/{ns}/]{plural}[/{name}[/{sub}]]`, groups
/// `/apis/{group}/{version}/…`; cluster-scoped resources never get `namespaces/`.
public struct KubeRequestBuilder: Sendable, Hashable {
    /// The resource addressed.
    public let resource: ResourceDescriptor

    /// A builder for `resource`.
    public init(resource: ResourceDescriptor) { self.resource = resource }

    /// `Accept` for everything: JSON (no protobuf, no tables).
    static let acceptJSON = ["Accept": "application/json"]

    // MARK: - Verbs

    /// `GET …/{name}[/{subresource}]`.
    public func get(name: String, namespace: String?, subresource: Subresource? = nil) throws(KubeClientError)
        -> KubeRequest
    {
        KubeRequest(
            method: .get, path: try path(namespace: namespace, name: name, subresource: subresource),
            headers: Self.acceptJSON)
    }

    /// `GET` the collection (`namespace: nil` lists all namespaces of a namespaced resource).
    public func list(namespace: String?, options: ListOptions = ListOptions()) throws(KubeClientError)
        -> KubeRequest
    {
        if options.resourceVersionMatch != nil, options.resourceVersion == nil {
            throw KubeClientError(
                .invalidRequest,
                "resourceVersionMatch needs a resourceVersion; set both or neither when listing \(resource)")
        }
        if options.continueToken != nil, options.resourceVersion != nil {
            throw KubeClientError(
                .invalidRequest,
                "a continue token already pins the list snapshot; do not also set resourceVersion when listing \(resource)")
        }
        if let limit = options.limit, limit <= 0 {
            throw KubeClientError(.invalidRequest, "list limit must be positive, got \(limit)")
        }
        var query = QueryItems()
        query.add("labelSelector", options.labelSelector)
        query.add("fieldSelector", options.fieldSelector)
        query.add("limit", options.limit.map(String.init))
        query.add("continue", options.continueToken)
        query.add("resourceVersion", options.resourceVersion)
        query.add("resourceVersionMatch", options.resourceVersionMatch?.rawValue)
        return KubeRequest(
            method: .get, path: try collectionPath(namespace: namespace, forList: true) + query.encoded,
            headers: Self.acceptJSON)
    }

    /// `GET coll?watch=true&…`: a long-running stream of newline-separated events.
    public func watch(namespace: String?, options: WatchOptions = WatchOptions()) throws(KubeClientError)
        -> KubeRequest
    {
        if let timeout = options.timeoutSeconds, timeout <= 0 {
            throw KubeClientError(.invalidRequest, "watch timeoutSeconds must be positive, got \(timeout)")
        }
        if options.sendInitialEvents, !options.allowBookmarks {
            throw KubeClientError(
                .invalidRequest, "sendInitialEvents needs allowBookmarks (the end of the initial events is a bookmark)")
        }
        var query = QueryItems()
        query.add("watch", "true")
        query.add("labelSelector", options.labelSelector)
        query.add("fieldSelector", options.fieldSelector)
        query.add("resourceVersion", options.resourceVersion)
        if options.sendInitialEvents { query.add("resourceVersionMatch", ResourceVersionMatch.notOlderThan.rawValue) }
        if options.allowBookmarks { query.add("allowWatchBookmarks", "true") }
        if options.sendInitialEvents { query.add("sendInitialEvents", "true") }
        query.add("timeoutSeconds", options.timeoutSeconds.map(String.init))
        return KubeRequest(
            method: .get, path: try collectionPath(namespace: namespace, forList: true) + query.encoded,
            headers: Self.acceptJSON, isWatch: true)
    }

    /// `POST` the collection with an encoded object.
    public func create(namespace: String?, body: [UInt8], options: WriteOptions = WriteOptions())
        throws(KubeClientError) -> KubeRequest
    {
        KubeRequest(
            method: .post,
            path: try collectionPath(namespace: namespace, forList: false) + writeQuery(options).encoded,
            headers: Self.jsonBodyHeaders(contentType: "application/json"), body: body)
    }

    /// `PUT …/{name}[/{subresource}]` with an encoded object carrying its resourceVersion.
    public func update(
        name: String, namespace: String?, body: [UInt8], subresource: Subresource? = nil,
        options: WriteOptions = WriteOptions()
    ) throws(KubeClientError) -> KubeRequest {
        KubeRequest(
            method: .put,
            path: try path(namespace: namespace, name: name, subresource: subresource) + writeQuery(options).encoded,
            headers: Self.jsonBodyHeaders(contentType: "application/json"), body: body)
    }

    /// `PATCH …/{name}[/{subresource}]` with the patch's content type.
    public func patch(
        name: String, namespace: String?, patch: Patch, subresource: Subresource? = nil,
        options: WriteOptions = WriteOptions()
    ) throws(KubeClientError) -> KubeRequest {
        KubeRequest(
            method: .patch,
            path: try path(namespace: namespace, name: name, subresource: subresource) + writeQuery(options).encoded,
            headers: Self.jsonBodyHeaders(contentType: patch.contentType), body: try patch.body())
    }

    /// `DELETE …/{name}`; non-empty options go in a `DeleteOptions` body, and `propagationPolicy`,
    /// `gracePeriodSeconds` and `dryRun` are repeated as query parameters for servers that ignore
    /// DELETE bodies.
    public func delete(name: String, namespace: String?, options: DeleteOptions = DeleteOptions())
        throws(KubeClientError) -> KubeRequest
    {
        var query = QueryItems()
        query.add("dryRun", options.dryRun ? "All" : nil)
        query.add("gracePeriodSeconds", options.gracePeriodSeconds.map(String.init))
        query.add("propagationPolicy", options.propagationPolicy?.rawValue)
        let path = try path(namespace: namespace, name: name, subresource: nil) + query.encoded
        if options.isEmpty {
            return KubeRequest(method: .delete, path: path, headers: Self.acceptJSON)
        }
        return KubeRequest(
            method: .delete, path: path, headers: Self.jsonBodyHeaders(contentType: "application/json"),
            body: try KubeJSON.encode(options))
    }

    // MARK: - Paths

    /// The path of one object, optionally a subresource of it.
    public func path(namespace: String?, name: String, subresource: Subresource? = nil) throws(KubeClientError)
        -> String
    {
        var path = try collectionPath(namespace: namespace, forList: false) + "/" + segment(name, what: "name")
        if let subresource { path += "/" + (try segment(subresource.rawValue, what: "subresource")) }
        return path
    }

    /// The path of the collection; a namespaced resource without a namespace is only valid for lists
    /// (all namespaces).
    func collectionPath(namespace: String?, forList: Bool) throws(KubeClientError) -> String {
        let namespace = namespace.flatMap { $0.isEmpty ? nil : $0 }
        var path = resource.groupVersionPath
        switch (resource.namespaced, namespace) {
        case (true, let namespace?):
            path += "/namespaces/" + (try segment(namespace, what: "namespace"))
        case (true, nil):
            if !forList {
                throw KubeClientError(
                    .invalidRequest, "\(resource) is namespaced: give a namespace (metadata.namespace or the namespace argument)")
            }
        case (false, let namespace?):
            throw KubeClientError(
                .invalidRequest, "\(resource) is cluster-scoped but namespace \"\(namespace)\" was given; pass nil")
        case (false, nil):
            break
        }
        return path + "/" + resource.plural
    }

    private func segment(_ value: String, what: String) throws(KubeClientError) -> String {
        if value.isEmpty || value == "." || value == ".." {
            throw KubeClientError(.invalidRequest, "\(what) \"\(value)\" of \(resource) cannot be used in a URL path")
        }
        return PercentEncoding.encode(value, allowing: PercentEncoding.pathSafe)
    }

    private func writeQuery(_ options: WriteOptions) -> QueryItems {
        var query = QueryItems()
        query.add("dryRun", options.dryRun ? "All" : nil)
        query.add("fieldManager", options.fieldManager)
        query.add("fieldValidation", options.fieldValidation?.rawValue)
        return query
    }

    private static func jsonBodyHeaders(contentType: String) -> [String: String] {
        ["Accept": "application/json", "Content-Type": contentType]
    }
}

/// Query parameters in insertion order, percent-encoded on output.
struct QueryItems {
    private var items: [(String, String)] = []

    mutating func add(_ name: String, _ value: String?) {
        if let value { items.append((name, value)) }
    }

    /// `""` when empty, else `?a=b&c=d` with names and values percent-encoded.
    var encoded: String {
        if items.isEmpty { return "" }
        return "?" + items.map { name, value in
            PercentEncoding.encode(name, allowing: PercentEncoding.unreserved) + "="
                + PercentEncoding.encode(value, allowing: PercentEncoding.unreserved)
        }.joined(separator: "&")
    }
}

/// RFC 3986 percent-encoding over UTF-8.
enum PercentEncoding {
    /// `A-Z a-z 0-9 - . _ ~`: the only bytes left alone in query names and values.
    static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    /// Unreserved plus `:` and `@`, which are safe inside a path segment.
    static let pathSafe: Set<UInt8> = unreserved.union(Array(":@".utf8))

    static func encode(_ string: String, allowing allowed: Set<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(string.utf8.count)
        for byte in string.utf8 {
            if allowed.contains(byte) {
                bytes.append(byte)
            } else {
                bytes.append(37)  // %
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
