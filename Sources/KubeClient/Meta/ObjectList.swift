// ListMeta and ObjectList<T>: the shape of every list answer.

/// List metadata (`metav1.ListMeta`).
public struct ListMeta: Sendable, Hashable, Codable {
    /// The snapshot resourceVersion of the list; start a watch from it. Constant across pages.
    public var resourceVersion: String?
    /// The token for the next page; `nil` or empty on the last page.
    public var continueToken: String?
    /// An estimate of the items not yet returned, when the server knows it.
    public var remainingItemCount: Int?

    /// List metadata with the given fields.
    public init(resourceVersion: String? = nil, continueToken: String? = nil, remainingItemCount: Int? = nil) {
        self.resourceVersion = resourceVersion
        self.continueToken = continueToken
        self.remainingItemCount = remainingItemCount
    }

    /// Whether another page follows.
    public var hasMorePages: Bool { !(continueToken ?? "").isEmpty }

    private enum CodingKeys: String, CodingKey {
        case resourceVersion
        case continueToken = "continue"
        case remainingItemCount
    }
}

/// One page of a list (`<Kind>List`).
public struct ObjectList<T: KubernetesObject>: Sendable, Codable {
    /// The list metadata (snapshot resourceVersion, continue token).
    public var metadata: ListMeta
    /// The objects of this page.
    public var items: [T]

    /// A list with the given metadata and items.
    public init(metadata: ListMeta = ListMeta(), items: [T] = []) {
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, items
    }

    /// Decodes a list; `items: null` (sent for empty lists by some servers) becomes empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([T].self, forKey: .items) ?? []
    }

    /// Encodes `{"apiVersion":…,"kind":"<Kind>List","metadata":…,"items":[…]}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(T.resource.apiVersion, forKey: .apiVersion)
        try container.encode(T.resource.listKind, forKey: .kind)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(items.map(TypedObjectEnvelope.init(object:)), forKey: .items)
    }
}
