// Options of the verbs: list, watch, writes, delete, patch bodies and subresources.

/// Options of a list request.
public struct ListOptions: Sendable, Hashable {
    /// A label selector query (`LabelSelector.queryString` builds one).
    public var labelSelector: String?
    /// A field selector query (`FieldSelector.queryString` builds one), e.g. `metadata.name=node-1`.
    public var fieldSelector: String?
    /// Page size; `nil` asks for everything at once. `listAll` defaults to 500 (client-go pager, kube-rs).
    public var limit: Int?
    /// The `continue` token of the previous page.
    public var continueToken: String?
    /// `nil` = most recent (quorum read); `"0"` = any cached version (may be stale).
    public var resourceVersion: String?
    /// How `resourceVersion` is interpreted; only valid together with a `resourceVersion`.
    public var resourceVersionMatch: ResourceVersionMatch?

    /// List options; everything defaults to unset.
    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: ResourceVersionMatch? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }
}

/// How a list interprets its `resourceVersion`.
public enum ResourceVersionMatch: String, Sendable, Hashable {
    /// Data at least as new as the version.
    case notOlderThan = "NotOlderThan"
    /// Data at exactly the version (may give 410 Expired when compacted).
    case exact = "Exact"
}

/// Options of a watch request.
public struct WatchOptions: Sendable, Hashable {
    /// Start after this version; `nil` = synthetic ADDED events for everything, then changes.
    public var resourceVersion: String?
    /// A label selector query.
    public var labelSelector: String?
    /// A field selector query, e.g. `metadata.name=node-1`.
    public var fieldSelector: String?
    /// The server ends the watch after this many seconds; 290 is kube-rs' default (it rejects ≥ 295
    /// so a 5-minute HTTP timeout never fires first).
    public var timeoutSeconds: Int?
    /// Ask for BOOKMARK events, which advance the resourceVersion without an object change.
    public var allowBookmarks: Bool
    /// Streaming list: synthetic ADDED events then a BOOKMARK annotated `k8s.io/initial-events-end`.
    /// Sends `resourceVersionMatch=NotOlderThan` as the API requires.
    public var sendInitialEvents: Bool

    /// Watch options with kube-rs' defaults (290 s, bookmarks on).
    public init(
        resourceVersion: String? = nil, labelSelector: String? = nil, fieldSelector: String? = nil,
        timeoutSeconds: Int? = 290, allowBookmarks: Bool = true, sendInitialEvents: Bool = false
    ) {
        self.resourceVersion = resourceVersion
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.timeoutSeconds = timeoutSeconds
        self.allowBookmarks = allowBookmarks
        self.sendInitialEvents = sendInitialEvents
    }
}

/// Server-side field validation of a write.
public enum FieldValidation: String, Sendable, Hashable {
    /// Reject unknown or duplicate fields.
    case strict = "Strict"
    /// Accept, with a warning header.
    case warn = "Warn"
    /// Drop them silently.
    case ignore = "Ignore"
}

/// Options of create, update and patch.
public struct WriteOptions: Sendable, Hashable {
    /// Validate and answer without persisting (`dryRun=All`).
    public var dryRun: Bool
    /// The field manager name recorded in managedFields.
    public var fieldManager: String?
    /// Unknown-field handling.
    public var fieldValidation: FieldValidation?

    /// Write options; everything defaults to unset.
    public init(dryRun: Bool = false, fieldManager: String? = nil, fieldValidation: FieldValidation? = nil) {
        self.dryRun = dryRun
        self.fieldManager = fieldManager
        self.fieldValidation = fieldValidation
    }
}

/// What happens to dependents when an owner is deleted.
public enum PropagationPolicy: String, Sendable, Hashable, Codable {
    /// Delete the owner now; the garbage collector deletes dependents afterwards.
    case background = "Background"
    /// Delete dependents first (those with `blockOwnerDeletion`), then the owner.
    case foreground = "Foreground"
    /// Leave dependents.
    case orphan = "Orphan"
}

/// Conditions a delete must meet, else 409 Conflict.
public struct Preconditions: Sendable, Hashable, Codable {
    /// Delete only the object with this uid (not a re-created namesake).
    public var uid: String?
    /// Delete only this version of the object.
    public var resourceVersion: String?

    /// Preconditions on uid and/or resourceVersion.
    public init(uid: String? = nil, resourceVersion: String? = nil) {
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// Options of a delete; sent as a `DeleteOptions` body (the only place for preconditions).
public struct DeleteOptions: Sendable, Hashable {
    /// Dependents' fate; `nil` = the resource's default.
    public var propagationPolicy: PropagationPolicy?
    /// Only delete if these hold.
    public var preconditions: Preconditions?
    /// Graceful termination period; `nil` = the resource's default.
    public var gracePeriodSeconds: Int?
    /// Validate and answer without deleting.
    public var dryRun: Bool

    /// Delete options; everything defaults to unset.
    public init(
        propagationPolicy: PropagationPolicy? = nil, preconditions: Preconditions? = nil,
        gracePeriodSeconds: Int? = nil, dryRun: Bool = false
    ) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }

    /// Whether every option is unset (no body is sent then).
    public var isEmpty: Bool {
        propagationPolicy == nil && preconditions == nil && gracePeriodSeconds == nil && !dryRun
    }
}

extension DeleteOptions: Encodable {
    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, propagationPolicy, preconditions, gracePeriodSeconds, dryRun
    }

    /// Encodes `{"apiVersion":"v1","kind":"DeleteOptions",…}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("v1", forKey: .apiVersion)
        try container.encode("DeleteOptions", forKey: .kind)
        try container.encodeIfPresent(propagationPolicy, forKey: .propagationPolicy)
        try container.encodeIfPresent(preconditions, forKey: .preconditions)
        try container.encodeIfPresent(gracePeriodSeconds, forKey: .gracePeriodSeconds)
        if dryRun { try container.encode(["All"], forKey: .dryRun) }
    }
}

/// A patch body and its kind.
public enum Patch: Sendable, Hashable {
    /// JSON merge patch (RFC 7386): objects merge recursively, `null` deletes, lists are replaced whole.
    case merge(JSONValue)
    /// JSON patch (RFC 6902): operations applied atomically; `test` ops give lost-update safety.
    case json([JSONPatchOperation])

    /// The `Content-Type` of the body.
    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        }
    }

    /// The encoded body.
    public func body() throws(KubeClientError) -> [UInt8] {
        switch self {
        case .merge(let value): try KubeJSON.encode(value)
        case .json(let operations): try KubeJSON.encode(operations)
        }
    }
}

/// A subresource such as `status`.
public struct Subresource: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral {
    /// The path segment.
    public var rawValue: String

    /// A subresource by its path segment.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A subresource from a string literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// `/status`: writes change only `.status`.
    public static let status = Subresource(rawValue: "status")
    /// `/scale`.
    public static let scale = Subresource(rawValue: "scale")
}
