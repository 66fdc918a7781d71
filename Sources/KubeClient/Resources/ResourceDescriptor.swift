// ResourceDescriptor: where a resource lives in the API (group, version, plural, scope, subresources).

/// Identifies a resource type on the API server and how to address it.
public struct ResourceDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The API group; `""` for the core group (`/api/v1`).
    public var group: String
    /// The API version, e.g. `v1` or `v1alpha1`.
    public var version: String
    /// The lower-case plural used in URLs, e.g. `nodes`.
    public var plural: String
    /// The kind, e.g. `Node`.
    public var kind: String
    /// Whether objects live in a namespace (`false` for cluster-scoped resources).
    public var namespaced: Bool
    /// Whether the resource has a `/status` subresource (status writes go there and spec writes ignore status).
    public var hasStatusSubresource: Bool

    /// Describes a resource; `group` is `""` for the core group.
    public init(
        group: String, version: String, plural: String, kind: String, namespaced: Bool,
        hasStatusSubresource: Bool
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
        self.hasStatusSubresource = hasStatusSubresource
    }

    /// `version` for the core group, else `group/version` (the value of an object's `apiVersion`).
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// The kind of the list type, `<Kind>List`.
    public var listKind: String { kind + "List" }

    /// `plural.group` (or `plural` for core), as used in RBAC and error messages.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// `groupResource` and version, for logs.
    public var description: String { "\(groupResource)/\(version)" }

    /// The URL path prefix of the group version: `/api/v1` or `/apis/{group}/{version}`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }
}

extension ResourceDescriptor {
    /// Core v1 `nodes` (cluster-scoped, with status).
    public static let nodes = ResourceDescriptor(
        group: "", version: "v1", plural: "nodes", kind: "Node", namespaced: false, hasStatusSubresource: true)
    /// `coordination.k8s.io/v1` `leases` (namespaced, no status).
    public static let leases = ResourceDescriptor(
        group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true,
        hasStatusSubresource: false)
    /// `events.k8s.io/v1` `events` (namespaced, no status).
    public static let eventsV1 = ResourceDescriptor(
        group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true,
        hasStatusSubresource: false)
}
