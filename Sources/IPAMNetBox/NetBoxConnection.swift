// Sends NetBox API calls with the token header and JSON bodies; re-reads a rotated token file once on a 403.
import FoundationEssentials
import HTTP
import IPAMCore

/// The backend's line to NetBox: `{url}/api` plus the token.
struct NetBoxConnection: Sendable {
    let http: HTTPClient
    /// `https://host/api` without a trailing slash.
    let apiBase: String
    let tokens: NetBoxTokenHolder

    /// Sends `method path` (path like `/ipam/prefixes/7/`, query included) with an optional JSON body.
    ///
    /// When NetBox refuses the token (403, not a missing permission) and the token comes from a file that
    /// now holds another token, the call is retried once with it. Every other answer is returned as is.
    func call(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(IPAMError) -> NetBoxAnswer {
        let token = await tokens.current()
        let first = try await send(method, path, body: body, token: token)
        guard NetBoxErrorMapping.isAuthenticationFailure(first.failure), let renewed = await tokens.reread(after: token) else {
            return first
        }
        return try await send(method, path, body: body, token: renewed)
    }

    /// Sends `method path` with `value` encoded as the JSON body.
    func call<Body: Encodable>(_ method: HTTPMethod, _ path: String, json value: Body) async throws(IPAMError) -> NetBoxAnswer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: [UInt8]
        do {
            body = Array(try encoder.encode(value))
        } catch {
            throw .rejected("cannot encode the request body of \(method.rawValue) \(path): \(error)")
        }
        return try await call(method, path, body: body)
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]?, token: NetBoxToken) async throws(IPAMError) -> NetBoxAnswer {
        var headers: HTTPHeaders = ["Authorization": token.authorization, "Accept": "application/json"]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        let request = HTTPRequest(method: method, url: apiBase + path, headers: headers, body: body)
        do {
            let response = try await http.send(request)
            return NetBoxAnswer(status: response.status, headers: response.headers, body: response.body, step: "\(method.rawValue) /api\(path)")
        } catch {
            throw NetBoxErrorMapping.map(error, url: apiBase + path)
        }
    }

    /// The API path of a `next` link, which NetBox gives as an absolute URL of its own idea of its host
    /// (behind a proxy that may not be the configured URL): everything after `/api`.
    static func path(ofNextLink link: String) -> String? {
        guard let range = link.firstRange(of: "/api/") else { return nil }
        return String(link[link.index(before: range.upperBound)...])
    }

    /// A query value with everything but unreserved characters (and `/`, `:` of addresses) percent-encoded.
    static func queryValue(_ value: String) -> String {
        var result = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: ":"):
                result.append(Character(Unicode.Scalar(byte)))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}

/// Holds the token; a token file is re-read when NetBox refuses the token (it may have been rotated).
actor NetBoxTokenHolder {
    private var token: NetBoxToken
    private let file: String?

    init(_ token: NetBoxToken, credentials: NetBoxCredentials) {
        self.token = token
        if case .tokenFile(let file) = credentials { self.file = file } else { file = nil }
    }

    func current() -> NetBoxToken { token }

    /// A different token from the file after `rejected` was refused, or nil when there is none.
    func reread(after rejected: NetBoxToken) -> NetBoxToken? {
        if token != rejected { return token }
        guard let file, let value = try? NetBoxToken.read(file), value != rejected.value else { return nil }
        token = NetBoxToken(value: value, source: rejected.source)
        return token
    }
}
