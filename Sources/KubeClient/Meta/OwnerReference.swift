// OwnerReference: a link from a dependent to its owner, for garbage collection.

/// A reference to an owning object (`metav1.OwnerReference`).
public struct OwnerReference: Sendable, Hashable, Codable {
    /// The owner's `apiVersion`.
    public var apiVersion: String
    /// The owner's `kind`.
    public var kind: String
    /// The owner's name.
    public var name: String
    /// The owner's uid; a reference with a stale uid is treated as absent by the garbage collector.
    public var uid: String
    /// `true` when the owner is the managing controller; at most one reference may say so.
    public var controller: Bool?
    /// `true` to keep the owner until this dependent is gone (foreground deletion).
    public var blockOwnerDeletion: Bool?

    /// A reference with every field given.
    public init(
        apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// A controller reference (`controller: true, blockOwnerDeletion: true`) to `owner`.
    ///
    /// - Returns: `nil` when `owner` has no uid yet (it was not read from the server).
    public init?<Owner: KubernetesObject>(controllerOf owner: Owner) {
        guard let uid = owner.metadata.uid, !uid.isEmpty else { return nil }
        self.init(
            apiVersion: Owner.resource.apiVersion, kind: Owner.resource.kind, name: owner.metadata.name, uid: uid,
            controller: true, blockOwnerDeletion: true)
    }

    /// Whether this reference points at an object of type `Owner` (apiVersion and kind match).
    public func refers<Owner: KubernetesObject>(to ownerType: Owner.Type) -> Bool {
        apiVersion == Owner.resource.apiVersion && kind == Owner.resource.kind
    }
}

/// A reference to any object (`v1.ObjectReference`), e.g. the object an event is about.
public struct ObjectReference: Sendable, Hashable, Codable {
    /// The referent's `apiVersion`.
    public var apiVersion: String?
    /// The referent's `kind`.
    public var kind: String?
    /// The referent's name.
    public var name: String?
    /// The referent's namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// The referent's uid.
    public var uid: String?
    /// The referent's resourceVersion when the reference was made.
    public var resourceVersion: String?
    /// A field inside the referent, e.g. `spec.containers{name}`.
    public var fieldPath: String?

    /// A reference with the given fields.
    public init(
        apiVersion: String? = nil, kind: String? = nil, name: String? = nil, namespace: String? = nil,
        uid: String? = nil, resourceVersion: String? = nil, fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object` (apiVersion, kind, name, namespace, uid, resourceVersion).
    public init<T: KubernetesObject>(to object: T) {
        self.init(
            apiVersion: T.resource.apiVersion, kind: T.resource.kind, name: object.metadata.name,
            namespace: object.metadata.namespace, uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion)
    }
}
