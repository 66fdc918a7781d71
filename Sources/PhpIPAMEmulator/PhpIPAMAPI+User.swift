// The `user` controller: token issue (Basic auth), expiry query, extension and logout.
import Foundation

extension PhpIPAMAPI {
    /// `POST /user/` issues or renews the token; `GET`/`PATCH` report and extend it; `DELETE` removes it.
    mutating func userController(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        if context.method == "POST" {
            return try login(context)
        }
        guard let token = context.request.header("token") ?? context.request.header("phpipam-token") else {
            throw .envelope(403, "Please provide token")
        }
        guard let index = database.userIndex(holding: token) else { throw .envelope(403, "Invalid token") }
        guard let validUntil = database.users[index].tokenValidUntil, validUntil > context.now else {
            throw .envelope(403, "Token expired")
        }
        switch context.method {
        case "GET", "PATCH", "PUT":
            database.extendToken(ofUser: index, now: context.now)
            let expires = database.users[index].tokenValidUntil ?? context.now
            return APIAnswer(data: .object([("expires", .string(PhpIPAMTimestamp.format(expires)))]))
        case "DELETE":
            database.users[index].token = nil
            database.users[index].tokenValidUntil = nil
            return APIAnswer(data: .array([.string("Token removed")]))
        default:
            throw .envelope(501, "Method not implemented")
        }
    }

    /// Checks Basic auth; returns the user's token (the same one while valid) with a fresh 6 h expiry.
    private mutating func login(_ context: APIContext) throws(APIFailure) -> APIAnswer {
        guard let (username, password) = Self.basicCredentials(context.request.header("Authorization")) else {
            throw .envelope(400, "Please provide username and password")
        }
        let client = context.request.clientAddress
        guard let index = database.users.firstIndex(where: { $0.username == username }),
            database.users[index].password == password
        else {
            database.recordLoginFailure(from: client, now: context.now)
            throw .envelope(500, "Invalid username or password")
        }
        guard !database.users[index].disabled else { throw .envelope(500, "User account is disabled") }
        database.loginFailures[client] = nil
        let expires = context.now.addingTimeInterval(PhpIPAMDatabase.tokenLifetime)
        if database.users[index].token == nil || (database.users[index].tokenValidUntil ?? context.now) <= context.now {
            database.users[index].token = Self.newToken()
        }
        database.users[index].tokenValidUntil = expires
        let token = database.users[index].token ?? ""
        return APIAnswer(
            data: .object([("token", .string(token)), ("expires", .string(PhpIPAMTimestamp.format(expires)))]))
    }

    /// User name and password from `Authorization: Basic …`, or nil when absent or unreadable.
    static func basicCredentials(_ header: String?) -> (String, String)? {
        guard let header, header.lowercased().hasPrefix("basic ") else { return nil }
        let encoded = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else { return nil }
        let username = String(text[..<colon])
        guard !username.isEmpty else { return nil }
        return (username, String(text[text.index(after: colon)...]))
    }

    /// 24 characters from `[A-Za-z0-9_-]`, like phpIPAM's tokens.
    static func newToken() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }
}
