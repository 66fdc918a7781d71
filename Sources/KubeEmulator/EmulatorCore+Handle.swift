// Request routing: authentication, injected faults, discovery, and the resource verbs.
import Foundation

/// The parsed resource part of a URL.
struct ResourcePath {
    var resource: ResourceType
    var version: String
    var namespace: String?
    var name: String?
    var subresource: String?

    var apiVersion: String { ResourceType.apiVersion(group: resource.group, version: version) }

    var countedResource: String { subresource.map { "\(resource.key)/\($0)" } ?? resource.key }

    /// Whether objects are stored in another resource's shape (events.k8s.io Events live as core Events).
    var isConverted: Bool { resource.group == EventConversion.group }

    /// The resource whose storage holds the objects.
    var storage: ResourceType {
        guard isConverted, let core = ResourceType.builtIns.first(where: { $0.key == "events" }) else { return resource }
        return core
    }

    /// The `apiVersion` objects are stored with.
    var storageAPIVersion: String { isConverted ? "v1" : apiVersion }

    func target(name: String) -> ObjectTarget {
        ObjectTarget(resource: storage, apiVersion: storageAPIVersion, namespace: resource.namespaced ? namespace : nil, name: name)
    }

    /// A client's object in the stored shape.
    func toStorage(_ object: JSON) -> JSON { isConverted ? EventConversion.toCore(object) : object }

    /// A stored object as served at the requested group and version.
    func present(_ object: JSON) -> JSON {
        var presented = isConverted ? EventConversion.toEventsV1(object) : object
        presented["apiVersion"] = .string(apiVersion)
        return presented
    }
}

extension EmulatorCore {
    func handle(_ request: APIRequest) async -> APIResponse {
        let latency = faults.latency
        if latency > .zero { try? await Task.sleep(for: latency) }
        if ["/healthz", "/readyz", "/livez"].contains(request.path) {
            return .full(status: 200, contentType: "text/plain", body: Array("ok".utf8), headers: [])
        }
        if !tokens.isEmpty {
            let header = request.headers["authorization"] ?? ""
            let token = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)).trimmingSpaces() : ""
            guard tokens.contains(token) else { return .error(.unauthorized) }
        }
        if let failure = faults.takeFailure(method: request.method, path: request.path) {
            countRequest(request)
            return .error(failure)
        }
        let segments = request.path.split(separator: "/").map(String.init)
        switch segments.count {
        case 0: return .json(200, .object(["paths": .array(["/api", "/api/v1", "/apis", "/version"])]))
        default: break
        }
        if segments == ["version"] { return .json(200, Discovery.version()) }
        if segments == ["openapi", "v3"] { return discovery { OpenAPI.index($0) } }
        if segments.count >= 4, segments[0] == "openapi", segments[1] == "v3" {
            let group = segments[2] == "api" ? "" : segments[3]
            let version = segments[2] == "api" ? segments[3] : (segments.count > 4 ? segments[4] : "")
            return discovery { OpenAPI.document($0, group: group, version: version) }
        }
        if segments.first == "openapi" { return .error(.pathNotFound) }
        if segments.first == "api" {
            if segments.count == 1 { return .json(200, Discovery.coreVersions(serverAddress: serverAddress.withLock { $0 })) }
            guard segments[1] == "v1" else { return .error(.pathNotFound) }
            if segments.count == 2 { return discovery { Discovery.resourceList($0, group: "", version: "v1") } }
            return await handleResource(request, group: "", version: "v1", rest: Array(segments.dropFirst(2)))
        }
        if segments.first == "apis" {
            if segments.count == 1 { return discovery { Discovery.groupList($0) } }
            if segments.count == 2 { return discovery { Discovery.groupDocument($0, name: segments[1]) } }
            if segments.count == 3 { return discovery { Discovery.resourceList($0, group: segments[1], version: segments[2]) } }
            return await handleResource(request, group: segments[1], version: segments[2], rest: Array(segments.dropFirst(3)))
        }
        return .error(.pathNotFound)
    }

    private func discovery(_ build: ([ResourceType]) -> JSON?) -> APIResponse {
        let resources = state.withLock { Array($0.resources.values) }
        guard let document = build(resources) else { return .error(.pathNotFound) }
        return .json(200, document)
    }

    private func countRequest(_ request: APIRequest) {
        faults.count(RequestCountKey(verb: request.method.lowercased(), resource: request.path))
    }

    /// Resolves `[namespaces/{ns}/]{plural}[/{name}[/{sub}]]`.
    func parseResourcePath(group: String, version: String, rest: [String]) -> ResourcePath? {
        state.withLock { state -> ResourcePath? in
            var rest = rest
            var namespace: String?
            if rest.count >= 3, rest[0] == "namespaces",
               let candidate = state.resource(group: group, version: version, plural: rest[2]), candidate.namespaced {
                namespace = rest[1]
                rest.removeFirst(2)
            }
            guard let plural = rest.first, rest.count <= 3,
                  let resource = state.resource(group: group, version: version, plural: plural)
            else { return nil }
            let name = rest.count > 1 ? rest[1] : nil
            let subresource = rest.count > 2 ? rest[2] : nil
            if let subresource, !(subresource == "status" && resource.hasStatusSubresource) { return nil }
            return ResourcePath(resource: resource, version: version, namespace: namespace, name: name, subresource: subresource)
        }
    }

    private func handleResource(_ request: APIRequest, group: String, version: String, rest: [String]) async -> APIResponse {
        guard let path = parseResourcePath(group: group, version: version, rest: rest) else { return .error(.pathNotFound) }
        let verb: String
        switch (request.method, path.name) {
        case ("GET", nil): verb = ["true", "1"].contains(request.query["watch"] ?? "") ? "watch" : "list"
        case ("GET", _): verb = "get"
        case ("POST", nil): verb = "create"
        case ("PUT", .some): verb = "update"
        case ("PATCH", .some): verb = "patch"
        case ("DELETE", nil): verb = "deletecollection"
        case ("DELETE", .some): verb = "delete"
        default: return .error(.methodNotAllowed(request.method))
        }
        faults.count(RequestCountKey(verb: verb, resource: path.countedResource))
        let result: Result<APIResponse, APIError>
        switch verb {
        case "get": result = get(request, path: path)
        case "list": result = list(request, path: path)
        case "watch": result = watch(request, path: path)
        case "create": result = create(request, path: path)
        case "update": result = update(request, path: path)
        case "patch": result = patch(request, path: path)
        case "delete": result = delete(request, path: path)
        default: result = deleteCollection(request, path: path)
        }
        switch result {
        case .success(let response): return response
        case .failure(let error): return .error(error)
        }
    }

    // MARK: - Presentation

    private static let tableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io"

    private func wantsTable(_ request: APIRequest) -> Bool {
        (request.headers["accept"] ?? "").split(separator: ",").first.map { $0.contains("as=Table") } ?? false
    }

    private func tableConverter(_ request: APIRequest, path: ResourcePath) -> TableConverter {
        TableConverter(resource: path.resource, version: path.version, now: state.withLock { $0.now() },
                       includeObject: request.query["includeObject"] ?? "Metadata")
    }

    /// The object as served at the requested group and version.
    private func present(_ object: JSON, path: ResourcePath) -> JSON { path.present(object) }

    private func body(_ request: APIRequest) -> Result<JSON, APIError> {
        if (request.headers["content-type"] ?? "").hasPrefix(ProtobufDecoding.contentType) {
            return ProtobufDecoding.decode(request.body)
        }
        do {
            return .success(try JSON.parse(request.body))
        } catch {
            return .failure(.badRequest("the request body could not be decoded: \(error.description)"))
        }
    }

    private func isDryRun(_ request: APIRequest) -> Bool { request.query["dryRun"] == "All" }

    private func isStrict(_ request: APIRequest) -> Bool { request.query["fieldValidation"] == "Strict" }

    // MARK: - Verbs

    private func get(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        let name = path.name ?? ""
        guard let object = state.withLock({ $0.object(path.storage, namespace: path.namespace, name: name) }) else {
            return .failure(.notFound(path.resource, name: name))
        }
        if wantsTable(request) {
            let table = tableConverter(request, path: path).table(
                rows: [present(object, path: path)], resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "",
                continueToken: nil, remaining: nil)
            return .success(.json(200, table, contentType: Self.tableContentType))
        }
        return .success(.json(200, present(object, path: path)))
    }

    private func filter(_ request: APIRequest, path: ResourcePath) -> Result<ObjectFilter, APIError> {
        var filter = ObjectFilter(namespace: path.resource.namespaced ? path.namespace : nil)
        if let text = request.query["labelSelector"], !text.isEmpty {
            switch LabelSelector.parse(text) {
            case .success(let selector): filter.labels = selector
            case .failure(let error): return .failure(error)
            }
        }
        if let text = request.query["fieldSelector"], !text.isEmpty {
            switch FieldSelector.parse(text, resource: path.resource) {
            case .success(let selector): filter.fields = selector
            case .failure(let error): return .failure(error)
            }
        }
        return .success(filter)
    }

    private func list(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        let listRequest: ListRequest
        switch filter(request, path: path) {
        case .failure(let error): return .failure(error)
        case .success(let filter):
            listRequest = ListRequest(filter: filter, limit: request.query["limit"].flatMap(Int.init),
                                      continueToken: request.query["continue"], resourceVersion: request.query["resourceVersion"],
                                      resourceVersionMatch: request.query["resourceVersionMatch"])
        }
        let page: ListPage
        switch state.withLock({ $0.list(path.storage, request: listRequest) }) {
        case .failure(let error): return .failure(error)
        case .success(let result): page = result
        }
        let items = page.items.map { present($0, path: path) }
        if wantsTable(request) {
            let table = tableConverter(request, path: path).table(
                rows: items, resourceVersion: String(page.resourceVersion), continueToken: page.continueToken,
                remaining: page.remainingItemCount)
            return .success(.json(200, table, contentType: Self.tableContentType))
        }
        var metadata: [String: JSON] = ["resourceVersion": .string(String(page.resourceVersion))]
        if let token = page.continueToken { metadata["continue"] = .string(token) }
        if let remaining = page.remainingItemCount { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        return .success(.json(200, .object([
            "kind": .string("\(path.resource.kind)List"), "apiVersion": .string(path.apiVersion),
            "metadata": .object(metadata), "items": .array(items),
        ])))
    }

    private func watch(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        let watchRequest: WatchRequest
        switch filter(request, path: path) {
        case .failure(let error): return .failure(error)
        case .success(var filter):
            if let name = path.name {
                filter.fields = FieldSelector(requirements: (filter.fields?.requirements ?? [])
                    + [.init(field: "metadata.name", value: name, negated: false)])
            }
            watchRequest = WatchRequest(filter: filter, resourceVersion: request.query["resourceVersion"],
                                        sendInitialEvents: request.query["sendInitialEvents"] == "true",
                                        allowBookmarks: request.query["allowWatchBookmarks"] == "true")
        }
        let registration: (id: Int?, stream: AsyncStream<WatchMessage>)
        switch state.withLock({ $0.watch(path.storage, request: watchRequest) }) {
        case .failure(let error): return .failure(error)
        case .success(let value): registration = value
        }
        let converter = wantsTable(request) ? tableConverter(request, path: path) : nil
        let encode: @Sendable (WatchMessage) -> [UInt8] = { [path] message in
            var object = message.object
            if message.type != "ERROR" && message.type != "BOOKMARK" { object = path.present(object) }
            if message.type == "BOOKMARK" { object["apiVersion"] = .string(path.apiVersion) }
            if let converter, message.type != "ERROR", message.type != "BOOKMARK" {
                object = converter.table(rows: [object], resourceVersion: object["metadata"]?["resourceVersion"]?.stringValue ?? "",
                                         continueToken: nil, remaining: nil)
            }
            return WatchMessage(type: message.type, object: object).line
        }
        let timeout = request.query["timeoutSeconds"].flatMap(Int.init).map { Duration.seconds($0) }
        return .success(.watch(WatchSession(
            core: self, id: registration.id, messages: registration.stream, encode: encode,
            contentType: converter == nil ? "application/json" : Self.tableContentType,
            timeout: timeout, bookmarks: watchRequest.allowBookmarks ? bookmarkInterval : nil)))
    }

    private func create(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        body(request).flatMap { object in
            state.withLock {
                $0.create(path.toStorage(object), resource: path.storage, apiVersion: path.storageAPIVersion, namespace: path.namespace,
                          dryRun: isDryRun(request), strictFields: isStrict(request))
            }
        }.map { .json(201, present($0, path: path)) }
    }

    private func update(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        body(request).flatMap { object in
            state.withLock {
                $0.update(path.toStorage(object), target: path.target(name: path.name ?? ""), subresource: path.subresource, dryRun: isDryRun(request),
                          strictFields: isStrict(request))
            }
        }.map { .json(200, present($0, path: path)) }
    }

    private func patch(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        let contentType = (request.headers["content-type"] ?? "").split(separator: ";").first.map(String.init)?.trimmingSpaces() ?? ""
        let patchBody: JSON
        switch body(request) {
        case .failure(let error):
            if contentType == "application/apply-patch+yaml" {
                return .failure(.badRequest("the emulator accepts server-side apply bodies in JSON form only (kubectl sends JSON)"))
            }
            return .failure(error)
        case .success(let value): patchBody = value
        }
        let isCustom = path.resource.isCustom
        let target = path.target(name: path.name ?? "")
        let dryRun = isDryRun(request)
        let strict = isStrict(request)
        let result: Result<(JSON, Bool), APIError> = state.withLock { state in
            guard let stored = state.object(path.storage, namespace: target.namespace, name: target.name) else {
                if contentType == "application/apply-patch+yaml", path.subresource == nil {
                    var object = patchBody
                    object.setValue(.string(target.name), at: ["metadata", "name"])
                    return state.create(path.toStorage(object), resource: path.storage, apiVersion: path.storageAPIVersion,
                                        namespace: path.namespace, dryRun: dryRun, strictFields: strict).map { ($0, true) }
                }
                return .failure(.notFound(path.resource, name: target.name))
            }
            let existing = path.isConverted ? path.present(stored) : stored
            let patched: JSON
            switch contentType {
            case "application/merge-patch+json":
                patched = Patches.mergePatch(existing, with: patchBody)
            case "application/apply-patch+yaml":
                patched = Patches.mergePatch(existing, with: patchBody)
            case "application/strategic-merge-patch+json" where !isCustom:
                patched = Patches.strategicMergePatch(existing, with: patchBody)
            case "application/json-patch+json":
                switch Patches.jsonPatch(existing, operations: patchBody) {
                case .failure(let error): return .failure(error)
                case .success(let value): patched = value
                }
            default:
                return .failure(APIError(
                    code: 415, reason: "UnsupportedMediaType",
                    message: "the body of the request was in an unknown format - accepted media types include: "
                        + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"))
            }
            let requested = patched["metadata"]?["resourceVersion"]?.stringValue ?? ""
            if !requested.isEmpty, requested != existing["metadata"]?["resourceVersion"]?.stringValue {
                return .failure(.conflict(path.resource, name: target.name))
            }
            return state.apply(path.toStorage(patched), to: stored, target: target, subresource: path.subresource, dryRun: dryRun,
                               strictFields: strict).map { ($0, false) }
        }
        return result.map { object, created in .json(created ? 201 : 200, present(object, path: path)) }
    }

    private func deleteOptions(_ request: APIRequest) -> Result<DeleteOptions, APIError> {
        var options = DeleteOptions()
        if !request.body.isEmpty {
            switch body(request) {
            case .failure(let error): return .failure(error)
            case .success(let json):
                options.preconditionUID = json["preconditions"]?["uid"]?.stringValue
                options.preconditionResourceVersion = json["preconditions"]?["resourceVersion"]?.stringValue
                options.propagationPolicy = json["propagationPolicy"]?.stringValue
                options.orphanDependents = json["orphanDependents"]?.boolValue
                options.dryRun = json["dryRun"]?.arrayValue?.contains("All") ?? false
            }
        }
        if let policy = request.query["propagationPolicy"] { options.propagationPolicy = policy }
        if isDryRun(request) { options.dryRun = true }
        return .success(options)
    }

    private func delete(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        deleteOptions(request).flatMap { options in
            state.withLock { $0.delete(path.target(name: path.name ?? ""), options: options) }.map { outcome in
                switch outcome {
                case .pending(let object):
                    return .json(options.orphanDependents == false ? 202 : 200, present(object, path: path))
                case .deleted(let object):
                    if path.resource.isCustom || path.resource.key == "namespaces" { return .json(200, present(object, path: path)) }
                    return .json(200, Self.successStatus(object, resource: path.resource))
                }
            }
        }
    }

    private static func successStatus(_ object: JSON, resource: ResourceType) -> JSON {
        var details: [String: JSON] = ["name": object["metadata"]?["name"] ?? "", "kind": .string(resource.plural)]
        if !resource.group.isEmpty { details["group"] = .string(resource.group) }
        if let uid = object["metadata"]?["uid"] { details["uid"] = uid }
        return .object(["kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success",
                        "details": .object(details)])
    }

    private func deleteCollection(_ request: APIRequest, path: ResourcePath) -> Result<APIResponse, APIError> {
        let options: DeleteOptions
        switch deleteOptions(request) {
        case .failure(let error): return .failure(error)
        case .success(let value): options = value
        }
        return filter(request, path: path).flatMap { filter in
            state.withLock { state -> Result<APIResponse, APIError> in
                let names = (state.objects[path.storage.key] ?? [:]).values.filter(filter.matches)
                    .compactMap { $0["metadata"]?["name"]?.stringValue }.sorted()
                for name in names {
                    _ = state.delete(path.target(name: name), options: options)
                }
                return .success(.json(200, .object(["kind": "Status", "apiVersion": "v1", "metadata": .object([:]),
                                                    "status": "Success"])))
            }
        }
    }
}
