// Sends authenticated phpIPAM API calls: token header, JSON body, one re-login and retry on 401.
import FoundationEssentials
import HTTP
import IPAMCore

/// The backend's line to phpIPAM: `{url}/api/{appID}` plus the session that supplies the token.
struct PhpIPAMConnection: Sendable {
    let http: HTTPClient
    /// `https://host/api/app` without a trailing slash.
    let apiBase: String
    let session: PhpIPAMSession

    /// Sends `method path` (path like `/subnets/7/`) with `parameters` as a JSON body.
    ///
    /// When phpIPAM answers `401 Unauthorized` (expired, deleted or unknown token), the token is renewed
    /// once and the call retried; a second 401 is a permanent error. Every other answer is returned as is.
    func call(_ method: HTTPMethod, _ path: String, parameters: [String: String]? = nil) async throws(IPAMError) -> PhpIPAMAnswer {
        let token = try await session.validToken()
        let first = try await send(method, path, parameters: parameters, token: token)
        guard first.status == 401, first.message != "invalid permissions" else {
            if first.status != 401 { await session.noteAccepted(token) }
            return first
        }
        let renewed = try await session.tokenAfterRejection(of: token)
        let second = try await send(method, path, parameters: parameters, token: renewed)
        if second.status == 401, second.message != "invalid permissions" {
            throw .rejected(
                "\(second.step) answered 401 \(second.message ?? "Unauthorized") right after a new token was issued; check that the phpIPAM user may use this app")
        }
        if second.status != 401 { await session.noteAccepted(renewed) }
        return second
    }

    private func send(_ method: HTTPMethod, _ path: String, parameters: [String: String]?, token: String) async throws(IPAMError) -> PhpIPAMAnswer {
        var headers: HTTPHeaders = ["token": token]
        var body: [UInt8]?
        if let parameters {
            headers.add(name: "Content-Type", value: "application/json")
            body = Self.json(parameters)
        }
        let request = HTTPRequest(method: method, url: apiBase + path, headers: headers, body: body)
        do {
            let response = try await http.send(request)
            return PhpIPAMAnswer(status: response.status, headers: response.headers, body: response.body, step: "\(method.rawValue) \(path)")
        } catch {
            throw PhpIPAMErrorMapping.map(error, url: apiBase + path)
        }
    }

    /// A flat JSON object with sorted keys.
    static func json(_ parameters: [String: String]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(parameters)).map(Array.init) ?? Array("{}".utf8)
    }
}
