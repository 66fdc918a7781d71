// The resources the emulator serves: built-in kinds and the ones CustomResourceDefinitions add.

/// One printer column of a resource's `kubectl get` table.
struct PrinterColumn: Sendable, Equatable {
    var name: String
    var type: String
    var format: String
    var description: String
    var priority: Int64
    var jsonPath: String
}

/// How objects of one version of a custom resource are checked.
struct ResourceVersionSchema: Sendable, Equatable {
    var name: String
    var served: Bool
    var storage: Bool
    var schema: JSON?
    var hasStatusSubresource: Bool
    var printerColumns: [PrinterColumn]
}

/// A resource (group + plural) with everything discovery, storage and validation need.
struct ResourceType: Sendable, Equatable {
    var group: String
    /// The served versions, preferred (storage) version first.
    var versions: [String]
    var plural: String
    var singular: String
    var kind: String
    var namespaced: Bool
    var hasStatusSubresource: Bool
    var shortNames: [String]
    var categories: [String]
    /// Whether an update must carry `metadata.resourceVersion` (custom resources, leases).
    var requiresResourceVersionOnUpdate: Bool
    /// Whether `metadata.generation` is maintained (custom resources and CRDs).
    var tracksGeneration: Bool
    /// Whether the object is a custom resource (status dropped on create, deletion returns the object).
    var isCustom: Bool
    /// Schemas and printer columns per version (custom resources only).
    var versionSchemas: [ResourceVersionSchema] = []

    /// Storage key: `plural.group` (`nodes` for the core group).
    var key: String { group.isEmpty ? plural : "\(plural).\(group)" }

    /// The `apiVersion` of the preferred version.
    var preferredAPIVersion: String { Self.apiVersion(group: group, version: versions.first ?? "v1") }

    /// `group/version`, or just `version` for the core group.
    static func apiVersion(group: String, version: String) -> String {
        group.isEmpty ? version : "\(group)/\(version)"
    }

    /// The validation schema and columns of `version`, if this is a custom resource serving it.
    func schema(forVersion version: String) -> ResourceVersionSchema? {
        versionSchemas.first { $0.name == version }
    }

    /// The verbs advertised in discovery.
    static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    /// Builds a built-in resource type.
    static func builtIn(
        group: String, version: String, plural: String, singular: String, kind: String, namespaced: Bool,
        status: Bool = false, shortNames: [String] = [], categories: [String] = [], requiresResourceVersion: Bool = false,
        tracksGeneration: Bool = false
    ) -> ResourceType {
        ResourceType(
            group: group, versions: [version], plural: plural, singular: singular, kind: kind,
            namespaced: namespaced, hasStatusSubresource: status, shortNames: shortNames, categories: categories,
            requiresResourceVersionOnUpdate: requiresResourceVersion, tracksGeneration: tracksGeneration, isCustom: false)
    }

    /// The group of CustomResourceDefinitions.
    static let crdGroup = "apiextensions.k8s.io"

    /// The resource types every emulator serves from the start.
    static let builtIns: [ResourceType] = [
        .builtIn(group: "", version: "v1", plural: "namespaces", singular: "namespace", kind: "Namespace", namespaced: false,
                 status: true, shortNames: ["ns"]),
        .builtIn(group: "", version: "v1", plural: "nodes", singular: "node", kind: "Node", namespaced: false,
                 status: true, shortNames: ["no"]),
        .builtIn(group: "", version: "v1", plural: "configmaps", singular: "configmap", kind: "ConfigMap", namespaced: true,
                 shortNames: ["cm"]),
        .builtIn(group: "", version: "v1", plural: "secrets", singular: "secret", kind: "Secret", namespaced: true),
        .builtIn(group: "", version: "v1", plural: "serviceaccounts", singular: "serviceaccount", kind: "ServiceAccount",
                 namespaced: true, shortNames: ["sa"]),
        .builtIn(group: "", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
                 shortNames: ["ev"]),
        .builtIn(group: "coordination.k8s.io", version: "v1", plural: "leases", singular: "lease", kind: "Lease",
                 namespaced: true, requiresResourceVersion: true),
        .builtIn(group: "events.k8s.io", version: "v1", plural: "events", singular: "event", kind: "Event", namespaced: true,
                 shortNames: ["ev"]),
        // Stored without schema validation: enough for `kubectl apply` of deployment manifests.
        .builtIn(group: "", version: "v1", plural: "persistentvolumeclaims", singular: "persistentvolumeclaim",
                 kind: "PersistentVolumeClaim", namespaced: true, status: true, shortNames: ["pvc"]),
        .builtIn(group: "apps", version: "v1", plural: "deployments", singular: "deployment", kind: "Deployment",
                 namespaced: true, status: true, shortNames: ["deploy"], categories: ["all"], tracksGeneration: true),
        .builtIn(group: "apps", version: "v1", plural: "daemonsets", singular: "daemonset", kind: "DaemonSet",
                 namespaced: true, status: true, shortNames: ["ds"], categories: ["all"], tracksGeneration: true),
        .builtIn(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterroles", singular: "clusterrole",
                 kind: "ClusterRole", namespaced: false),
        .builtIn(group: "rbac.authorization.k8s.io", version: "v1", plural: "clusterrolebindings",
                 singular: "clusterrolebinding", kind: "ClusterRoleBinding", namespaced: false),
        .builtIn(group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", singular: "role", kind: "Role",
                 namespaced: true),
        .builtIn(group: "rbac.authorization.k8s.io", version: "v1", plural: "rolebindings", singular: "rolebinding",
                 kind: "RoleBinding", namespaced: true),
        .builtIn(group: "admissionregistration.k8s.io", version: "v1", plural: "validatingadmissionpolicies",
                 singular: "validatingadmissionpolicy", kind: "ValidatingAdmissionPolicy", namespaced: false, status: true,
                 tracksGeneration: true),
        .builtIn(group: "admissionregistration.k8s.io", version: "v1", plural: "validatingadmissionpolicybindings",
                 singular: "validatingadmissionpolicybinding", kind: "ValidatingAdmissionPolicyBinding", namespaced: false,
                 tracksGeneration: true),
        .builtIn(group: crdGroup, version: "v1", plural: "customresourcedefinitions", singular: "customresourcedefinition",
                 kind: "CustomResourceDefinition", namespaced: false, status: true, shortNames: ["crd", "crds"],
                 categories: ["api-extensions"], tracksGeneration: true),
    ]

    /// Reads the served resource out of a CustomResourceDefinition, or says what is wrong with it.
    static func fromCRD(_ crd: JSON) -> Result<ResourceType, APIError> {
        let spec = crd["spec"] ?? .object([:])
        let names = spec["names"] ?? .object([:])
        guard let group = spec["group"]?.stringValue, !group.isEmpty else {
            return .failure(.invalidCRD("spec.group: Required value"))
        }
        guard let plural = names["plural"]?.stringValue, !plural.isEmpty else {
            return .failure(.invalidCRD("spec.names.plural: Required value"))
        }
        guard let kind = names["kind"]?.stringValue, !kind.isEmpty else {
            return .failure(.invalidCRD("spec.names.kind: Required value"))
        }
        let name = crd["metadata"]?["name"]?.stringValue ?? ""
        guard name == "\(plural).\(group)" else {
            return .failure(.invalidCRD("metadata.name: Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group"))
        }
        let scope = spec["scope"]?.stringValue ?? ""
        guard scope == "Namespaced" || scope == "Cluster" else {
            return .failure(.invalidCRD("spec.scope: Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\""))
        }
        var schemas: [ResourceVersionSchema] = []
        for version in spec["versions"]?.arrayValue ?? [] {
            guard let versionName = version["name"]?.stringValue else { continue }
            let columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> PrinterColumn? in
                guard let columnName = column["name"]?.stringValue, let path = column["jsonPath"]?.stringValue else { return nil }
                return PrinterColumn(
                    name: columnName, type: column["type"]?.stringValue ?? "string", format: column["format"]?.stringValue ?? "",
                    description: column["description"]?.stringValue ?? "", priority: column["priority"]?.intValue ?? 0,
                    jsonPath: path)
            }
            schemas.append(ResourceVersionSchema(
                name: versionName, served: version["served"]?.boolValue ?? true, storage: version["storage"]?.boolValue ?? false,
                schema: version["schema"]?["openAPIV3Schema"],
                hasStatusSubresource: version["subresources"]?["status"] != nil, printerColumns: columns))
        }
        let served = schemas.filter(\.served)
        guard !served.isEmpty else {
            return .failure(.invalidCRD("spec.versions: Invalid value: []: must have exactly one version marked as storage version"))
        }
        let ordered = served.filter(\.storage) + served.filter { !$0.storage }
        return .success(ResourceType(
            group: group, versions: ordered.map(\.name), plural: plural,
            singular: names["singular"]?.stringValue ?? kind.lowercased(), kind: kind, namespaced: scope == "Namespaced",
            hasStatusSubresource: ordered.first?.hasStatusSubresource ?? false,
            shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            requiresResourceVersionOnUpdate: true, tracksGeneration: true, isCustom: true, versionSchemas: ordered))
    }
}
