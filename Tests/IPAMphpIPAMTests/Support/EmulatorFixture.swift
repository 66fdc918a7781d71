// Starts an emulated phpIPAM on 127.0.0.1 for one test and talks to it over real HTTP.
import Foundation
import HTTP
import PhpIPAMEmulator

/// One answer of the emulator as a test sees it.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]

    var json: TestJSON? { TestJSON.parse(body) }
    var message: String? { json?["message"]?.string }
    var data: TestJSON? { json?["data"] }
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A running emulator with its server, a manual clock and an HTTP client.
struct EmulatorFixture {
    let emulator: PhpIPAMEmulator
    let server: PhpIPAMServer
    let clock: ManualWallClock
    let client: HTTPClient

    /// Runs `body` against a fresh emulator and shuts it down afterwards, also when `body` throws.
    static func with<T>(
        seed: PhpIPAMSeed = .example, tls: PhpIPAMServer.TLS? = nil, clientTLS: TLSConfiguration = .init(),
        _ body: (EmulatorFixture) async throws -> T
    ) async throws -> T {
        let clock = ManualWallClock()
        let emulator = PhpIPAMEmulator(seed: seed, now: clock.source)
        let server = try await PhpIPAMServer.start(emulator: emulator, tls: tls)
        let client = HTTPClient(configuration: .init(tls: clientTLS, requestTimeout: .seconds(10)))
        let fixture = EmulatorFixture(emulator: emulator, server: server, clock: clock, client: client)
        do {
            let result = try await body(fixture)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    /// Sends `method path` (path starting with `/api/…`) with optional headers and body text.
    func call(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: String? = nil
    ) async throws -> Reply {
        let request = HTTPRequest(
            method: method, url: server.baseURL + path, headers: HTTPHeaders(headers), body: body.map { Array($0.utf8) })
        let response = try await client.send(request)
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    /// Sends a JSON body with the `iksnone` static token.
    func callJSON(_ method: HTTPMethod, _ path: String, _ json: String, token: String = "iksnonestatictoken000000") async throws -> Reply {
        try await call(method, path, headers: [("Content-Type", "application/json"), ("token", token)], body: json)
    }

    /// Sends with the `iksnone` static token and no body.
    func authorized(_ method: HTTPMethod, _ path: String, token: String = "iksnonestatictoken000000") async throws -> Reply {
        try await call(method, path, headers: [("token", token)])
    }

    /// `Authorization: Basic …` for `username:password`.
    static func basic(_ username: String, _ password: String) -> (String, String) {
        ("Authorization", "Basic " + Data("\(username):\(password)".utf8).base64EncodedString())
    }
}
