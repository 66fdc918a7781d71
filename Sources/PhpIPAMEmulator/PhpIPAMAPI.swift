// The emulated phpIPAM request pipeline: app and TLS checks, body parsing, auth, then the controllers.
import EmulatorSupport
import Foundation

/// A successful answer before it is wrapped in phpIPAM's envelope.
struct APIAnswer {
    var code = 200
    var message: String?
    /// The id of a created row: a JSON string in every mode.
    var id: String?
    var data: EmulatorJSON?
    /// The `Location` header of a create.
    var location: String?
}

/// Everything a controller needs to know about one authorised request.
struct APIContext {
    var request: PhpIPAMRequest
    var route: PhpIPAMRoute
    var app: PhpIPAMSeed.App
    var parameters: [String: String?]
    var now: Date

    var method: String { request.method }
}

/// The whole emulated phpIPAM as a value: feed it requests, get responses. No I/O, no clock of its own.
struct PhpIPAMAPI: Sendable {
    static let controllers: Set<String> = ["user", "subnets", "addresses", "sections"]
    static let writeMethods: Set<String> = ["POST", "PATCH", "PUT", "DELETE"]

    var database: PhpIPAMDatabase
    let apps: [String: PhpIPAMSeed.App]
    let customFields: [PhpIPAMSeed.CustomField]
    let linkField: String?
    let trustXForwardedHeaders: Bool
    let apiEnabled: Bool
    let sections: [PhpIPAMSeed.Section]

    init(seed: PhpIPAMSeed, now: Date) {
        database = PhpIPAMDatabase(seed: seed, now: now)
        apps = Dictionary(seed.apps.map { ($0.id.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        customFields = seed.customFields
        linkField = seed.linkField
        trustXForwardedHeaders = seed.trustXForwardedHeaders
        apiEnabled = seed.apiEnabled
        sections = seed.sections
    }

    /// Answers one request at time `now`.
    mutating func handle(_ request: PhpIPAMRequest, now: Date) -> PhpIPAMResponse {
        let stringify = request.header("api-stringify-results") == "1"
        do throws(APIFailure) {
            let answer = try answer(request, now: now)
            return Self.envelope(answer, stringify: stringify)
        } catch {
            switch error {
            case .envelope(let code, let message):
                let body = EmulatorJSON.object([
                    ("code", .int(code)), ("success", .bool(false)), ("message", .string(message)), ("time", .double(0.001)),
                ])
                return .json(code, body)
            case .phpFatalError:
                return PhpIPAMResponse(status: 500, headers: [("Content-Type", "text/html; charset=UTF-8")], body: [])
            }
        }
    }

    /// Whether phpIPAM would count the request as HTTPS.
    func countsAsHTTPS(_ request: PhpIPAMRequest) -> Bool {
        if request.isTLS || request.serverPort == 443 { return true }
        return trustXForwardedHeaders && request.header("X-Forwarded-Proto")?.lowercased() == "https"
    }

    private mutating func answer(_ request: PhpIPAMRequest, now: Date) throws(APIFailure) -> APIAnswer {
        guard let route = PhpIPAMRoute(target: request.target) else {
            throw .envelope(400, "Invalid application id")
        }
        if database.isBlocked(request.clientAddress, now: now) {
            throw .envelope(500, "Your IP has been blocked for 5 minutes because of excessive login failures")
        }
        guard apiEnabled else { throw .envelope(503, "API server disabled") }
        guard let app = apps[route.appID] else { throw .envelope(400, "Invalid application id") }
        guard app.permissions != .disabled else { throw .envelope(503, "Application disabled") }
        if app.security == .sslToken && !countsAsHTTPS(request) {
            throw .envelope(503, "SSL connection is required for API")
        }
        guard Self.controllers.contains(route.controller) else { throw .envelope(400, "Invalid controller") }
        let parameters = try RequestBody.parse(contentType: request.header("Content-Type"), body: request.body)
        var context = APIContext(request: request, route: route, app: app, parameters: parameters, now: now)
        if route.controller == "user" {
            return try userController(context)
        }
        try authenticate(&context)
        if Self.writeMethods.contains(request.method) && app.permissions == .readOnly {
            throw .envelope(401, "invalid permissions")
        }
        switch route.controller {
        case "subnets": return try subnetsController(context)
        case "addresses": return try addressesController(context)
        default: return try sectionsController(context)
        }
    }

    /// Checks the `token`/`phpipam-token` header and pushes the token's expiry forward.
    private mutating func authenticate(_ context: inout APIContext) throws(APIFailure) {
        guard let token = context.request.header("token") ?? context.request.header("phpipam-token"),
            let index = database.userIndex(holding: token),
            let validUntil = database.users[index].tokenValidUntil, validUntil > context.now
        else { throw .envelope(401, "Unauthorized") }
        database.extendToken(ofUser: index, now: context.now)
    }

    /// Wraps an answer in `{"code":…,"success":true,…}`.
    static func envelope(_ answer: APIAnswer, stringify: Bool) -> PhpIPAMResponse {
        var members: [(String, EmulatorJSON)] = [("code", .int(answer.code)), ("success", .bool(true))]
        if let message = answer.message { members.append(("message", .string(message))) }
        if let id = answer.id { members.append(("id", .string(id))) }
        if let data = answer.data { members.append(("data", stringify ? data.stringified() : data)) }
        members.append(("time", .double(0.002)))
        let extra: [(name: String, value: String)] = answer.location.map { [("Location", $0)] } ?? []
        return .json(answer.code, .object(members), extraHeaders: extra)
    }

    // MARK: - Helpers shared by the controllers

    /// Rejects body keys the controller does not know: `400 Invalid request key foo`.
    func checkKeys(_ parameters: [String: String?], allowed: Set<String>) throws(APIFailure) {
        for key in parameters.keys.sorted() where !allowed.contains(key) {
            throw .envelope(400, "Invalid request key \(key)")
        }
    }

    /// Applies `filter_by`/`filter_value` to a list of result objects.
    func filtered(_ items: [EmulatorJSON], query: [String: String]) throws(APIFailure) -> [EmulatorJSON] {
        guard let field = query["filter_by"] else { return items }
        let wanted = query["filter_value"] ?? ""
        guard let first = items.first, first[field] != nil else { throw .envelope(400, "Invalid filter_by") }
        let matches = items.filter { item in
            switch item[field] {
            case .string(let value): value == wanted
            case .int(let value): String(value) == wanted
            case .null: wanted.isEmpty
            default: false
            }
        }
        guard !matches.isEmpty else { throw .envelope(404, "No results (filter applied)") }
        return matches
    }

    /// `GET /sections/` and `GET /sections/{id}/`: just enough to list what exists.
    private func sectionsController(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        guard context.method == "GET" else { throw .envelope(501, "Method not implemented") }
        let rendered = sections.map { EmulatorJSON.object([("id", .int($0.id)), ("name", .string($0.name))]) }
        guard let id = context.route.id(0) else { return APIAnswer(data: .array(rendered)) }
        guard let number = Int(id), let index = sections.firstIndex(where: { $0.id == number }) else {
            throw .envelope(404, "Section does not exist")
        }
        return APIAnswer(data: rendered[index])
    }
}
