// The emulated NetBox request pipeline: routing, API version, authentication, permissions, body parsing, dispatch.
import FoundationEssentials

/// A request that ends in an error answer.
struct NetBoxFailure: Error {
    var response: NetBoxResponse

    static func detail(_ status: Int, _ message: String) -> Self { Self(response: .detail(status, message)) }
    /// A 400 with a validation body (`{field: [messages]}` or a list of those).
    static func invalid(_ body: NetBoxJSON) -> Self { Self(response: .json(400, body)) }
    /// `{field: [message]}` as a 400.
    static func invalid(_ field: String, _ message: String) -> Self {
        invalid(.object([(field, .array([.string(message)]))]))
    }
    static func notFound(_ resource: NetBoxResource) -> Self {
        detail(404, "No \(resource.className) matches the given query.")
    }
    static let noPermission = detail(403, "You do not have permission to perform this action.")
}

/// Everything a handler needs to know about one authenticated request.
struct NetBoxContext {
    var request: NetBoxRequest
    var route: NetBoxRoute
    var user: NetBoxSeed.User
    var now: Date
    /// The parsed body (`{}` for an empty one); only for methods that carry one.
    var body: NetBoxJSON = .object([])

    var method: String { request.method }
    var query: QueryParameters { route.query }
}

/// The whole emulated NetBox as a value: feed it requests, get responses. No I/O, no clock of its own.
struct NetBoxAPI: Sendable {
    static let writeMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    var database: NetBoxDatabase
    var version: NetBoxVersion { database.version }

    init(seed: NetBoxSeed, now: Date) {
        database = NetBoxDatabase(seed: seed, now: now)
    }

    func renderer(_ request: NetBoxRequest) -> NetBoxRenderer {
        NetBoxRenderer(database: database, origin: request.origin)
    }

    /// Answers one request at time `now`, with the headers every NetBox answer carries.
    mutating func handle(_ request: NetBoxRequest, now: Date) -> NetBoxResponse {
        let route = NetBoxRoute(target: request.target, version: version)
        var response: NetBoxResponse
        do throws(NetBoxFailure) {
            response = try answer(request, route: route, now: now)
        } catch {
            response = error.response
        }
        response.headers += [
            ("Server", "gunicorn"), ("Vary", "HX-Request, Accept-Language, Cookie, origin"),
            ("X-Request-ID", UUID().uuidString.lowercased()),
        ]
        // NetBox's API middleware marks every answer under /api/, the HTML 404 included.
        if route.path.hasPrefix("/api/") { response.headers.append(("API-Version", version.apiVersion)) }
        if let endpoint = route.endpoint, route.hasTrailingSlash { response.headers.append(("Allow", endpoint.allow)) }
        return response
    }

    private mutating func answer(_ request: NetBoxRequest, route: NetBoxRoute, now: Date) throws(NetBoxFailure) -> NetBoxResponse {
        guard let endpoint = route.endpoint else { return Self.pageNotFound }
        guard route.hasTrailingSlash else {
            // Django's APPEND_SLASH: a permanent redirect to the same path with a slash.
            let query = request.target.firstIndex(of: "?").map { String(request.target[$0...]) } ?? ""
            return NetBoxResponse(
                status: 301, headers: [("Content-Type", "text/html; charset=utf-8"), ("Location", route.path + "/" + query)], body: [])
        }
        try checkAcceptedVersion(request)
        let (user, token) = try authenticate(request)
        var context = NetBoxContext(request: request, route: route, user: user, now: now)
        if Self.writeMethods.contains(request.method) && !token.writeEnabled { throw .noPermission }
        try authorize(endpoint, context: context)
        if request.method == "OPTIONS" { return .json(200, Self.metadata(endpoint)) }
        guard endpoint.allows(request.method) else { throw .detail(405, "Method \"\(request.method)\" not allowed.") }
        // The view looks its object (or the available-ips prefix) up before it reads the body.
        switch endpoint {
        case .availableIPs(let prefixID):
            guard database.prefixes[prefixID] != nil, Self.permits(user, "view", "ipam.prefix") else { throw .notFound(.prefixes) }
        case .object(let resource, let id) where Self.writeMethods.contains(request.method):
            guard exists(resource, id) else { throw .notFound(resource) }
        default:
            break
        }
        if ["POST", "PUT", "PATCH"].contains(request.method) || (request.method == "DELETE" && endpoint.isList) {
            context.body = try Self.parseBody(request)
        }
        switch endpoint {
        case .status:
            return .json(200, statusBody())
        case .availableIPs(let prefixID):
            return request.method == "POST" ? try allocate(prefixID: prefixID, context) : try listAvailable(prefixID: prefixID, context)
        case .list(let resource):
            switch (request.method, resource) {
            case ("GET", _), ("HEAD", _): return .json(200, try list(resource, context))
            case ("POST", .ipAddresses): return try createAddresses(context)
            case ("POST", .prefixes), ("POST", .ipRanges): return try createNetworks(resource, context)
            case ("PATCH", .ipAddresses), ("PUT", .ipAddresses): return try bulkUpdateAddresses(context)
            case ("DELETE", .ipAddresses): return try bulkDeleteAddresses(context)
            default: throw .detail(405, "Method \"\(request.method)\" not allowed.")
            }
        case .object(let resource, let id):
            switch (request.method, resource) {
            case ("GET", _), ("HEAD", _): return .json(200, try object(resource, id: id, request: request))
            case ("PATCH", .ipAddresses), ("PUT", .ipAddresses): return try updateAddress(id: id, context)
            case ("DELETE", .ipAddresses), ("DELETE", .prefixes), ("DELETE", .ipRanges), ("DELETE", .sites):
                delete(resource, id)
                return NetBoxResponse(status: 204, headers: [], body: [])
            default: throw .detail(405, "Method \"\(request.method)\" not allowed.")
            }
        }
    }

    /// DRF's answer to `OPTIONS`: the view's metadata.
    static func metadata(_ endpoint: NetBoxEndpoint) -> NetBoxJSON {
        let name: String
        switch endpoint {
        case .status: name = "Status"
        case .availableIPs: name = "Available IPs"
        case .list(let resource): name = "\(resource.className) List"
        case .object(let resource, _): name = "\(resource.className) Instance"
        }
        return .object([
            ("name", .string(name)), ("description", .string("")),
            ("renders", .array([.string("application/json"), .string("text/html")])),
            ("parses", .array([.string("application/json"), .string("multipart/form-data")])),
        ])
    }

    /// Django's 404 page: HTML even for `/api/…` paths and `Accept: application/json`.
    static let pageNotFound = NetBoxResponse.html(
        404,
        """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="UTF-8" /><title>Page Not Found | NetBox</title></head>
        <body><div class="page-body"><h1>Page Not Found</h1>
        <p>The requested page does not exist.</p></div></body>
        </html>

        """)

    // MARK: - Version, authentication, permissions

    /// `Accept: application/json; version=X` must name this server's API version (406 otherwise).
    private func checkAcceptedVersion(_ request: NetBoxRequest) throws(NetBoxFailure) {
        guard let accept = request.header("Accept") else { return }
        for parameter in accept.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(\.trimmingSpaces)
            if pair.count == 2, pair[0] == "version", pair[1] != version.apiVersion {
                throw .detail(406, "Invalid version in \"Accept\" header.")
            }
        }
    }

    /// The user and token of the `Authorization` header; every failure is a 403 (NetBox never answers 401).
    func authenticate(_ request: NetBoxRequest) throws(NetBoxFailure) -> (NetBoxSeed.User, NetBoxSeed.Token) {
        let notProvided = NetBoxFailure.detail(403, "Authentication credentials were not provided.")
        guard let header = request.header("Authorization") else { throw notProvided }
        let parts = header.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let keyword = parts.first?.lowercased(), keyword == "token" || keyword == "bearer" else { throw notProvided }
        let token: NetBoxSeed.Token
        if version.hasV2Tokens {
            guard parts.count == 2 else {
                throw .detail(403, "Invalid authorization header: Must be in the form \"Bearer <key>.<token>\" or \"Token <token>\"")
            }
            let value = parts[1]
            if value.hasPrefix("nbt_") {
                let rest = value.dropFirst(4)
                guard let dot = rest.firstIndex(of: ".") else {
                    throw .detail(
                        403,
                        "Invalid authorization header: Could not parse key from v2 token. Did you mean to use 'Token' instead of 'Bearer'?")
                }
                let key = String(rest[..<dot])
                let secret = String(rest[rest.index(after: dot)...])
                guard let match = database.tokens.first(where: { $0.version == .v2 && $0.key == key && $0.secret == secret }) else {
                    throw .detail(403, "Invalid v2 token")
                }
                token = match
            } else {
                guard let match = database.tokens.first(where: { $0.version == .v1 && $0.secret == value }) else {
                    throw .detail(403, "Invalid v1 token")
                }
                token = match
            }
        } else {
            // NetBox 4.4 (DRF's TokenAuthentication): only the `Token` keyword; `Bearer` is not an auth scheme.
            guard keyword == "token" else { throw notProvided }
            guard parts.count > 1 else { throw .detail(403, "Invalid token header. No credentials provided.") }
            guard parts.count == 2 else { throw .detail(403, "Invalid token header. Token string should not contain spaces.") }
            guard let match = database.tokens.first(where: { $0.version == .v1 && $0.secret == parts[1] }) else {
                throw .detail(403, "Invalid token")
            }
            token = match
        }
        guard let user = database.users[token.username] else { throw .detail(403, "Invalid v1 token") }
        return (user, token)
    }

    /// Whether object `id` of `resource` exists.
    func exists(_ resource: NetBoxResource, _ id: Int) -> Bool {
        switch resource {
        case .ipAddresses: database.addresses[id] != nil
        case .prefixes: database.prefixes[id] != nil
        case .ipRanges: database.ranges[id] != nil
        case .sites: database.sites[id] != nil
        case .tenants: database.tenants[id] != nil
        case .owners: database.owners[id] != nil
        case .tags: database.tags[id] != nil
        case .vrfs: database.vrfs[id] != nil
        case .customFields: database.customFields.contains { $0.id == id }
        case .devices, .roles, .aggregates, .rirs, .vlans: false
        }
    }

    /// Deletes an object; deleting a site deletes the prefixes scoped to it (addresses are not linked to prefixes).
    mutating func delete(_ resource: NetBoxResource, _ id: Int) {
        switch resource {
        case .ipAddresses: database.addresses[id] = nil
        case .prefixes: database.prefixes[id] = nil
        case .ipRanges: database.ranges[id] = nil
        case .sites:
            database.sites[id] = nil
            database.prefixes = database.prefixes.filter { $0.value.siteID != id }
        default: break
        }
    }

    /// Whether `user` holds `action` (`view`, `add`, `change`, `delete`) on `model` (`ipam.prefix`).
    static func permits(_ user: NetBoxSeed.User, _ action: String, _ model: String) -> Bool {
        let (app, name) = NetBoxSeed.split(model)
        return user.isSuperuser || user.permissions.contains("\(app).\(action)_\(name)")
    }

    /// The object permission a request needs (403 without it). Available-ips checks its prefix itself.
    private func authorize(_ endpoint: NetBoxEndpoint, context: NetBoxContext) throws(NetBoxFailure) {
        let action: String
        switch context.method {
        case "POST": action = "add"
        case "PUT", "PATCH": action = "change"
        case "DELETE": action = "delete"
        default: action = "view"
        }
        switch endpoint {
        case .status: return
        case .availableIPs:
            if context.method == "POST" && !Self.permits(context.user, "add", "ipam.ipaddress") { throw .noPermission }
        case .list(let resource), .object(let resource, _):
            if !Self.permits(context.user, action, resource.model) { throw .noPermission }
        }
    }

    // MARK: - Bodies

    /// The JSON body (`{}` when empty). Form bodies are 415; broken JSON is 400 with Python's parse message.
    static func parseBody(_ request: NetBoxRequest) throws(NetBoxFailure) -> NetBoxJSON {
        if request.body.isEmpty { return .object([]) }
        let contentType = request.header("Content-Type") ?? ""
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
        guard mediaType == "application/json" else {
            throw .detail(415, "Unsupported media type \"\(contentType)\" in request.")
        }
        do throws(NetBoxJSONError) {
            return try NetBoxJSON.parse(request.body)
        } catch {
            throw .detail(400, "JSON parse error - \(error.message)")
        }
    }

    // MARK: - Status

    private func statusBody() -> NetBoxJSON {
        let python = version == .v4_4 ? "3.11.7" : "3.12.1"
        let django = version == .v4_4 ? "5.2.9" : "6.0.8"
        return .object([
            ("django-version", .string(django)), ("hostname", .string("netbox-emulator")),
            ("installed_apps", .object([("django_filters", .string("26.1")), ("rest_framework", .string("3.17.1"))])),
            ("netbox-version", .string(version.fullVersion)), ("netbox-full-version", .string(version.fullVersion)),
            ("plugins", .object([])), ("python-version", .string(python)), ("rq-workers-running", .int(0)),
        ])
    }
}

extension NetBoxEndpoint {
    var isList: Bool {
        if case .list = self { return true }
        return false
    }
}
