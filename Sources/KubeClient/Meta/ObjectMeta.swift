// ObjectMeta: the standard metadata of every object (managedFields are deliberately not modelled).

/// Standard object metadata (`metav1.ObjectMeta`).
///
/// Collections (`labels`, `annotations`, `finalizers`, `ownerReferences`) are empty rather than
/// `nil` when absent, and are omitted from the JSON when empty. `managedFields` is ignored.
public struct ObjectMeta: Sendable, Hashable, Codable {
    /// The object name; empty only before creation with `generateName`.
    public var name: String
    /// A prefix from which the server generates `name` on create when `name` is empty.
    public var generateName: String?
    /// The namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// The server-assigned unique id.
    public var uid: String?
    /// The opaque version used for optimistic concurrency; compare for equality only.
    public var resourceVersion: String?
    /// Incremented by the server on every spec change.
    public var generation: Int?
    /// When the object was created.
    public var creationTimestamp: KubeTime?
    /// Set when deletion was requested while finalizers hold the object.
    public var deletionTimestamp: KubeTime?
    /// Seconds the object is allowed to terminate gracefully.
    public var deletionGracePeriodSeconds: Int?
    /// Labels, for selection.
    public var labels: [String: String]
    /// Annotations, free-form.
    public var annotations: [String: String]
    /// Finalizers that must be removed before the object goes away.
    public var finalizers: [String]
    /// Owners, for garbage collection.
    public var ownerReferences: [OwnerReference]

    /// Metadata with the given fields; everything else is empty.
    public init(
        name: String = "", namespace: String? = nil, labels: [String: String] = [:],
        annotations: [String: String] = [:], finalizers: [String] = [], ownerReferences: [OwnerReference] = [],
        generateName: String? = nil, uid: String? = nil, resourceVersion: String? = nil, generation: Int? = nil,
        creationTimestamp: KubeTime? = nil, deletionTimestamp: KubeTime? = nil,
        deletionGracePeriodSeconds: Int? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.finalizers = finalizers
        self.ownerReferences = ownerReferences
        self.generateName = generateName
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.deletionGracePeriodSeconds = deletionGracePeriodSeconds
    }

    /// Whether deletion has been requested (`deletionTimestamp` is set).
    public var isBeingDeleted: Bool { deletionTimestamp != nil }

    /// The controller owner reference (`controller: true`), if any.
    public var controllerReference: OwnerReference? { ownerReferences.first { $0.controller == true } }

    private enum CodingKeys: String, CodingKey {
        case name, generateName, namespace, uid, resourceVersion, generation, creationTimestamp
        case deletionTimestamp, deletionGracePeriodSeconds, labels, annotations, finalizers, ownerReferences
    }

    /// Decodes metadata; absent collections become empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
        generateName = try container.decodeIfPresent(String.self, forKey: .generateName)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try container.decodeIfPresent(String.self, forKey: .resourceVersion)
        generation = try container.decodeIfPresent(Int.self, forKey: .generation)
        creationTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .creationTimestamp)
        deletionTimestamp = try container.decodeIfPresent(KubeTime.self, forKey: .deletionTimestamp)
        deletionGracePeriodSeconds = try container.decodeIfPresent(Int.self, forKey: .deletionGracePeriodSeconds)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations) ?? [:]
        finalizers = try container.decodeIfPresent([String].self, forKey: .finalizers) ?? []
        ownerReferences = try container.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences) ?? []
    }

    /// Encodes metadata, omitting empty and `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !name.isEmpty { try container.encode(name, forKey: .name) }
        try container.encodeIfPresent(generateName, forKey: .generateName)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(uid, forKey: .uid)
        try container.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try container.encodeIfPresent(generation, forKey: .generation)
        try container.encodeIfPresent(creationTimestamp, forKey: .creationTimestamp)
        try container.encodeIfPresent(deletionTimestamp, forKey: .deletionTimestamp)
        try container.encodeIfPresent(deletionGracePeriodSeconds, forKey: .deletionGracePeriodSeconds)
        if !labels.isEmpty { try container.encode(labels, forKey: .labels) }
        if !annotations.isEmpty { try container.encode(annotations, forKey: .annotations) }
        if !finalizers.isEmpty { try container.encode(finalizers, forKey: .finalizers) }
        if !ownerReferences.isEmpty { try container.encode(ownerReferences, forKey: .ownerReferences) }
    }
}
