// Starts an emulated NetBox on 127.0.0.1 for one test and talks to it over real HTTP with the project's client.
import Foundation
import HTTP
import NetBoxEmulator

/// One answer of the emulator as a test sees it.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var json: Value? { Value.parse(body) }
    var text: String { String(decoding: body, as: UTF8.self) }
    /// `detail` of an error body.
    var detail: String? { json?["detail"]?.string }
}

/// A running emulator with its server and an HTTP client.
struct NetBoxFixture {
    let emulator: NetBoxEmulator
    let server: NetBoxServer
    let client: HTTPClient

    static let token = NetBoxSeed.exampleToken.authorization
    static let readOnlyToken = NetBoxSeed.exampleReadOnlyToken.authorization
    static let adminToken = NetBoxSeed.exampleAdminToken.authorization

    /// Runs `body` against a fresh emulator and shuts it down afterwards, also when `body` throws.
    static func with<T>(
        seed: NetBoxSeed = .example, tls: NetBoxServer.TLS? = nil, clientTLS: TLSConfiguration = .init(),
        _ body: (NetBoxFixture) async throws -> T
    ) async throws -> T {
        let emulator = NetBoxEmulator(seed: seed)
        let server = try await NetBoxServer.start(emulator: emulator, tls: tls)
        let client = HTTPClient(configuration: .init(tls: clientTLS, requestTimeout: .seconds(10)))
        let fixture = NetBoxFixture(emulator: emulator, server: server, client: client)
        do {
            let result = try await body(fixture)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Sends `method path` with the write token (or `authorization`, nil for none), extra headers and a JSON body.
    func call(
        _ method: HTTPMethod, _ path: String, authorization: String? = Self.token, headers: [(String, String)] = [],
        json: String? = nil, timeout: Duration? = nil
    ) async throws -> Reply {
        var fields = headers
        if let authorization { fields.append(("Authorization", authorization)) }
        if json != nil, !fields.contains(where: { $0.0.lowercased() == "content-type" }) {
            fields.append(("Content-Type", "application/json"))
        }
        let request = HTTPRequest(method: method, url: server.baseURL + path, headers: HTTPHeaders(fields), body: json.map { Array($0.utf8) },
            timeout: timeout)
        let response = try await client.send(request)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// `GET path` with the write token.
    func get(_ path: String, authorization: String? = Self.token) async throws -> Reply {
        try await call(.get, path, authorization: authorization)
    }

    /// `POST path` with a JSON body and the write token.
    func post(_ path: String, _ json: String, authorization: String? = Self.token) async throws -> Reply {
        try await call(.post, path, authorization: authorization, json: json)
    }

    /// The `address` members of a list body's `results` (or of a bare array).
    func addresses(_ path: String) async throws -> [String] {
        let reply = try await get(path)
        let items = reply.json?["results"]?.array ?? reply.json?.array ?? []
        return items.compactMap { $0["address"]?.string }
    }

    /// `count` of a list answer.
    func count(_ path: String) async throws -> Int? {
        try await get(path).json?["count"]?.int
    }
}
