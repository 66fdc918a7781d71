// Writes with kube-apiserver semantics: create, update (main and status), delete with finalizers, garbage collection.
import Foundation

/// How a write addresses its object.
struct ObjectTarget: Sendable {
    var resource: ResourceType
    /// The `apiVersion` the client used (custom resources may serve several versions).
    var apiVersion: String
    var namespace: String?
    var name: String
}

/// The parsed `DeleteOptions` body and query parameters.
struct DeleteOptions: Sendable {
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    /// `Background` (default), `Foreground` or `Orphan`.
    var propagationPolicy: String?
    var orphanDependents: Bool?
    var dryRun = false
}

/// What a DELETE did: gone at once, or held by finalizers (then the object carries `deletionTimestamp`).
enum DeleteOutcome {
    case deleted(JSON)
    case pending(JSON)
}

extension ClusterState {
    // MARK: - Create

    mutating func create(
        _ body: JSON, resource: ResourceType, apiVersion: String, namespace: String?, dryRun: Bool = false, strictFields: Bool = false
    ) -> Result<JSON, APIError>
    {
        guard case .object = body else { return .failure(.badRequest("the body of the request must be an object")) }
        var object = body
        var meta = object["metadata"]?.objectValue ?? [:]
        var name = meta["name"]?.stringValue ?? ""
        if name.isEmpty, let prefix = meta["generateName"]?.stringValue, !prefix.isEmpty {
            name = prefix + Self.randomSuffix()
        }
        guard !name.isEmpty else {
            return .failure(.invalid(resource, name: "", causes: [
                StatusCause(reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                            field: "metadata.name"),
            ]))
        }
        if let problem = Self.nameProblem(name) {
            return .failure(.invalid(resource, name: name, causes: [
                StatusCause(reason: "FieldValueInvalid", message: "Invalid value: \"\(name)\": \(problem)", field: "metadata.name"),
            ]))
        }
        meta["name"] = .string(name)
        if resource.namespaced {
            let bodyNamespace = meta["namespace"]?.stringValue ?? ""
            let effective = namespace ?? (bodyNamespace.isEmpty ? "default" : bodyNamespace)
            if !bodyNamespace.isEmpty, bodyNamespace != effective {
                return .failure(.badRequest("the namespace of the provided object does not match the namespace sent on the request"))
            }
            guard let namespaceObject = objects["namespaces"]?[effective] else { return .failure(.namespaceNotFound(effective)) }
            if namespaceObject["metadata"]?["deletionTimestamp"] != nil {
                return .failure(APIError(
                    code: 403, reason: "Forbidden",
                    message: "\(resource.key) \"\(name)\" is forbidden: unable to create new content in namespace \(effective) because it is being terminated",
                    detailsName: name, detailsGroup: resource.group, detailsKind: resource.plural))
            }
            meta["namespace"] = .string(effective)
        } else {
            meta["namespace"] = nil
        }
        if self.object(resource, namespace: meta["namespace"]?.stringValue, name: name) != nil {
            return .failure(.alreadyExists(resource, name: name))
        }
        meta["uid"] = .string(UUID().uuidString.lowercased())
        meta["creationTimestamp"] = .string(timestamp())
        meta["deletionTimestamp"] = nil
        meta["deletionGracePeriodSeconds"] = nil
        meta["managedFields"] = nil
        meta["resourceVersion"] = nil
        meta["selfLink"] = nil
        meta["generation"] = resource.tracksGeneration ? .int(1) : nil
        object["metadata"] = .object(meta)
        object["apiVersion"] = .string(apiVersion)
        object["kind"] = .string(resource.kind)
        if resource.isCustom, resource.hasStatusSubresource { object["status"] = nil }

        switch prepare(object, old: nil, resource: resource, apiVersion: apiVersion, name: name, strictFields: strictFields) {
        case .failure(let error): return .failure(error)
        case .success(let prepared): object = prepared
        }
        var crdResource: ResourceType?
        if resource.key == "customresourcedefinitions.\(ResourceType.crdGroup)" {
            switch ResourceType.fromCRD(object) {
            case .failure(let error): return .failure(error)
            case .success(let served): crdResource = served
            }
            object["status"] = Self.crdStatus(object, timestamp: timestamp())
        }
        if resource.key == "namespaces" { object.setValue(.string("Active"), at: ["status", "phase"]) }
        if dryRun { return .success(object) }
        let stored = put(object, resource: resource, type: "ADDED", previous: nil)
        if let crdResource { resources[crdResource.key] = crdResource }
        return .success(stored)
    }

    /// Schema validation, pruning and defaulting for custom resources; `nil` old means create.
    func prepare(
        _ object: JSON, old: JSON?, resource: ResourceType, apiVersion: String, name: String, strictFields: Bool
    ) -> Result<JSON, APIError> {
        guard resource.isCustom else { return .success(object) }
        let version = apiVersion.split(separator: "/").last.map(String.init) ?? apiVersion
        guard let schema = resource.schema(forVersion: version)?.schema else { return .success(object) }
        var validator = SchemaValidator()
        let result = validator.process(object, schema: schema, old: old)
        if !validator.unsupportedRules.isEmpty { UnsupportedRuleLog.shared.note(validator.unsupportedRules) }
        if strictFields, !validator.prunedFields.isEmpty {
            let unknown = validator.prunedFields.sorted().map { "unknown field \"\($0)\"" }.joined(separator: ", ")
            return .failure(.badRequest(
                "\(resource.kind) in version \"\(version)\" cannot be handled as a \(resource.kind): strict decoding error: \(unknown)"))
        }
        if !validator.causes.isEmpty { return .failure(.invalid(resource, name: name, causes: validator.causes)) }
        return .success(result)
    }

    static func crdStatus(_ crd: JSON, timestamp: String) -> JSON {
        let names = crd["spec"]?["names"] ?? .object([:])
        func condition(_ type: String, _ reason: String, _ message: String) -> JSON {
            .object(["type": .string(type), "status": "True", "reason": .string(reason), "message": .string(message),
                     "lastTransitionTime": .string(timestamp)])
        }
        return .object([
            "acceptedNames": names,
            "conditions": .array([
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ]),
            "storedVersions": .array((crd["spec"]?["versions"]?.arrayValue ?? [])
                .filter { $0["storage"]?.boolValue == true }.compactMap { $0["name"] }),
        ])
    }

    // MARK: - Update

    /// PUT semantics: `metadata.resourceVersion` must match when given, and is required for some resources.
    mutating func update(
        _ body: JSON, target: ObjectTarget, subresource: String?, dryRun: Bool = false, strictFields: Bool = false
    ) -> Result<JSON, APIError> {
        guard case .object = body else { return .failure(.badRequest("the body of the request must be an object")) }
        guard let existing = object(target.resource, namespace: target.namespace, name: target.name) else {
            return .failure(.notFound(target.resource, name: target.name))
        }
        if let bodyName = body["metadata"]?["name"]?.stringValue, !bodyName.isEmpty, bodyName != target.name {
            return .failure(.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(target.name))"))
        }
        let requested = body["metadata"]?["resourceVersion"]?.stringValue ?? ""
        if requested.isEmpty {
            if target.resource.requiresResourceVersionOnUpdate {
                return .failure(.invalid(target.resource, name: target.name, causes: [
                    StatusCause(reason: "FieldValueInvalid", message: "Invalid value: 0x0: must be specified for an update",
                                field: "metadata.resourceVersion"),
                ]))
            }
        } else if requested != existing["metadata"]?["resourceVersion"]?.stringValue {
            return .failure(.conflict(target.resource, name: target.name))
        }
        return apply(body, to: existing, target: target, subresource: subresource, dryRun: dryRun, strictFields: strictFields)
    }

    /// The common tail of update and patch: subresource separation, server-managed metadata, validation,
    /// generation, no-op detection, and deletion once the last finalizer is gone.
    mutating func apply(
        _ body: JSON, to existing: JSON, target: ObjectTarget, subresource: String?, dryRun: Bool = false, strictFields: Bool = false
    ) -> Result<JSON, APIError> {
        let resource = target.resource
        var result: JSON
        let oldMeta = existing["metadata"]?.objectValue ?? [:]
        if subresource == "status" {
            result = existing
            result["status"] = body["status"]
            if body["status"] == nil { result = Self.removing("status", from: result) }
        } else {
            result = body
            if resource.hasStatusSubresource {
                result = Self.removing("status", from: result)
                if let status = existing["status"] { result["status"] = status }
            }
            var meta = result["metadata"]?.objectValue ?? [:]
            for key in ["uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "namespace", "name"] {
                meta[key] = oldMeta[key]
            }
            meta["managedFields"] = nil
            meta["selfLink"] = nil
            result["metadata"] = .object(meta)
            if oldMeta["deletionTimestamp"] != nil {
                let before = Set(Self.finalizers(of: existing))
                let added = Self.finalizers(of: result).filter { !before.contains($0) }
                if !added.isEmpty {
                    let list = added.map { JSON.string($0).serialized() }.joined(separator: ", ")
                    return .failure(.invalid(resource, name: target.name, causes: [
                        StatusCause(reason: "FieldValueForbidden",
                                    message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(list)}",
                                    field: "metadata.finalizers"),
                    ]))
                }
            }
        }
        result["apiVersion"] = existing["apiVersion"]
        result["kind"] = existing["kind"]
        result.setValue(existing["metadata"]?["resourceVersion"], at: ["metadata", "resourceVersion"])

        switch prepare(result, old: existing, resource: resource, apiVersion: target.apiVersion, name: target.name,
                       strictFields: strictFields) {
        case .failure(let error): return .failure(error)
        case .success(let prepared): result = prepared
        }
        var crdResource: ResourceType?
        if resource.key == "customresourcedefinitions.\(ResourceType.crdGroup)" && subresource != "status" {
            switch ResourceType.fromCRD(result) {
            case .failure(let error): return .failure(error)
            case .success(let served): crdResource = served
            }
        }
        if result == existing { return .success(existing) }
        if resource.tracksGeneration, Self.specChanged(from: existing, to: result, statusSeparate: resource.hasStatusSubresource) {
            let generation = existing["metadata"]?["generation"]?.intValue ?? 1
            result.setValue(.int(generation + 1), at: ["metadata", "generation"])
        }
        if dryRun { return .success(result) }
        if let crdResource { resources[crdResource.key] = crdResource }
        if result["metadata"]?["deletionTimestamp"] != nil, Self.finalizers(of: result).isEmpty {
            // Like the real store: the write that empties the finalizers deletes; watchers see only DELETED.
            return .success(finishDeletion(result, resource: resource, propagation: "Background", stored: existing))
        }
        return .success(put(result, resource: resource, type: "MODIFIED", previous: existing))
    }

    static func removing(_ key: String, from object: JSON) -> JSON {
        guard var members = object.objectValue else { return object }
        members[key] = nil
        return .object(members)
    }

    static func finalizers(of object: JSON) -> [String] {
        object["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Whether anything outside `metadata` (and `status`, when it is a subresource) changed.
    static func specChanged(from old: JSON, to new: JSON, statusSeparate: Bool) -> Bool {
        var ignored: Set<String> = ["metadata", "apiVersion", "kind"]
        if statusSeparate { ignored.insert("status") }
        let oldRest = (old.objectValue ?? [:]).filter { !ignored.contains($0.key) }
        let newRest = (new.objectValue ?? [:]).filter { !ignored.contains($0.key) }
        return oldRest != newRest
    }

    // MARK: - Delete

    mutating func delete(_ target: ObjectTarget, options: DeleteOptions) -> Result<DeleteOutcome, APIError> {
        let resource = target.resource
        guard let existing = object(resource, namespace: target.namespace, name: target.name) else {
            return .failure(.notFound(resource, name: target.name))
        }
        let meta = existing["metadata"]
        if let uid = options.preconditionUID, uid != meta?["uid"]?.stringValue {
            return .failure(.preconditionFailed(resource, name: target.name,
                message: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(meta?["uid"]?.stringValue ?? "")"))
        }
        if let version = options.preconditionResourceVersion, version != meta?["resourceVersion"]?.stringValue {
            return .failure(.preconditionFailed(resource, name: target.name,
                message: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(meta?["resourceVersion"]?.stringValue ?? "")"))
        }
        if options.dryRun { return .success(.deleted(existing)) }
        let propagation = options.propagationPolicy ?? (options.orphanDependents == true ? "Orphan" : "Background")
        if propagation == "Foreground", let uid = meta?["uid"]?.stringValue {
            deleteDependents(of: uid)
        }
        let isNamespace = resource.key == "namespaces"
        if !Self.finalizers(of: existing).isEmpty || isNamespace {
            if meta?["deletionTimestamp"] != nil { return .success(.pending(existing)) }
            var marked = existing
            marked.setValue(.string(timestamp()), at: ["metadata", "deletionTimestamp"])
            marked.setValue(.int(0), at: ["metadata", "deletionGracePeriodSeconds"])
            if resource.tracksGeneration {
                marked.setValue(.int((meta?["generation"]?.intValue ?? 1) + 1), at: ["metadata", "generation"])
            }
            if isNamespace { marked.setValue(.string("Terminating"), at: ["status", "phase"]) }
            let stored = put(marked, resource: resource, type: "MODIFIED", previous: existing)
            if isNamespace {
                deleteContents(ofNamespace: target.name)
                if Self.finalizers(of: stored).isEmpty, namespaceIsEmpty(target.name) {
                    return .success(.deleted(finishDeletion(stored, resource: resource, propagation: propagation)))
                }
            }
            return .success(.pending(stored))
        }
        return .success(.deleted(finishDeletion(existing, resource: resource, propagation: propagation)))
    }

    /// Removes the object for good, then lets the garbage collector handle its dependents.
    @discardableResult
    mutating func finishDeletion(_ object: JSON, resource: ResourceType, propagation: String, stored: JSON? = nil) -> JSON {
        let last = remove(object, resource: resource, stored: stored)
        if resource.key == "customresourcedefinitions.\(ResourceType.crdGroup)",
           let served = ResourceType.fromCRD(object).success {
            for dependent in (objects[served.key] ?? [:]).values { remove(dependent, resource: served) }
            resources[served.key] = nil
            objects[served.key] = nil
            // The real server ends the watches of a resource that stops being served.
            for (id, watcher) in watchers where watcher.resource.key == served.key {
                watcher.continuation.finish()
                watchers[id] = nil
            }
        }
        if let uid = object["metadata"]?["uid"]?.stringValue {
            if propagation == "Orphan" {
                orphanDependents(of: uid)
            } else {
                deleteDependents(of: uid)
            }
        }
        if let namespace = object["metadata"]?["namespace"]?.stringValue { reapNamespaceIfDone(namespace) }
        return last
    }

    /// Background GC: dependents whose owners are all gone are deleted (finalizers still hold them).
    mutating func deleteDependents(of ownerUID: String) {
        for address in (dependentsIndex[ownerUID] ?? []).sorted() {
            guard let resource = resources[address.resourceKey], let dependent = objects[address.resourceKey]?[address.objectKey]
            else { continue }
            let liveOwners = Self.ownerUIDs(of: dependent).filter { $0 != ownerUID && uidIndex[$0] != nil }
            guard liveOwners.isEmpty else { continue }
            let meta = dependent["metadata"]
            _ = delete(ObjectTarget(resource: resource, apiVersion: resource.preferredAPIVersion,
                                    namespace: meta?["namespace"]?.stringValue, name: meta?["name"]?.stringValue ?? ""),
                       options: DeleteOptions())
        }
    }

    /// Orphan propagation: dependents lose their reference to the deleted owner.
    mutating func orphanDependents(of ownerUID: String) {
        for address in (dependentsIndex[ownerUID] ?? []).sorted() {
            guard let resource = resources[address.resourceKey], let dependent = objects[address.resourceKey]?[address.objectKey]
            else { continue }
            var updated = dependent
            let references = (dependent["metadata"]?["ownerReferences"]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != ownerUID }
            updated.setValue(references.isEmpty ? nil : .array(references), at: ["metadata", "ownerReferences"])
            put(updated, resource: resource, type: "MODIFIED", previous: dependent)
        }
    }

    private mutating func deleteContents(ofNamespace namespace: String) {
        for resource in resources.values.sorted(by: { $0.key < $1.key }) where resource.namespaced {
            for object in (objects[resource.key] ?? [:]).values where object["metadata"]?["namespace"]?.stringValue == namespace {
                _ = delete(ObjectTarget(resource: resource, apiVersion: resource.preferredAPIVersion, namespace: namespace,
                                        name: object["metadata"]?["name"]?.stringValue ?? ""),
                           options: DeleteOptions())
            }
        }
    }

    private func namespaceIsEmpty(_ namespace: String) -> Bool {
        for resource in resources.values where resource.namespaced {
            if (objects[resource.key] ?? [:]).values.contains(where: { $0["metadata"]?["namespace"]?.stringValue == namespace }) {
                return false
            }
        }
        return true
    }

    /// A terminating namespace disappears once its last object is gone.
    private mutating func reapNamespaceIfDone(_ namespace: String) {
        guard let namespaceObject = objects["namespaces"]?[namespace], namespaceObject["metadata"]?["deletionTimestamp"] != nil,
              Self.finalizers(of: namespaceObject).isEmpty, namespaceIsEmpty(namespace),
              let resource = resources["namespaces"]
        else { return }
        finishDeletion(namespaceObject, resource: resource, propagation: "Background")
    }

    // MARK: - Names

    static func randomSuffix() -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<5).map { _ in alphabet.randomElement() ?? "x" })
    }

    /// The real server's DNS-1123 subdomain message, or `nil` when the name is fine.
    static func nameProblem(_ name: String) -> String? {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
        let labelsOK = name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            guard let first = label.first, let last = label.last else { return false }
            return first != "-" && last != "-"
        }
        if name.count > 253 { return "must be no more than 253 characters" }
        if allowed && labelsOK { return nil }
        return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
            + "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
            + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    }
}

extension Result {
    /// The success value, if any.
    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
