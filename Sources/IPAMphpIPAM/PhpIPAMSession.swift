// Holds the phpIPAM token: logs in with Basic auth, renews before expiry or after a 401, one login at a time.
import FoundationEssentials
import HTTP
import IPAMCore
import Logging

/// The token the backend sends as `token:`, and how it is (re)obtained.
actor PhpIPAMSession {
    private let http: HTTPClient
    private let apiBase: String
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var secrets: PhpIPAMSecrets
    private var token: String?
    private var lifetime = PhpIPAMTokenLifetime(expires: nil, receivedAt: .distantPast)
    private var pendingLogin: Task<Result<String, IPAMError>, Never>?

    init(http: HTTPClient, apiBase: String, secrets: PhpIPAMSecrets, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.http = http
        self.apiBase = apiBase
        self.secrets = secrets
        self.logger = logger
        self.now = now
        if case .staticToken(let value, _) = secrets { token = value }
    }

    /// A token to use now: the current one, or a fresh one when none is held or its expiry is near.
    func validToken() async throws(IPAMError) -> String {
        if let token, !lifetime.needsRenewal(at: now()) { return token }
        return try await renew()
    }

    /// Records that phpIPAM accepted `used` just now, which pushed its expiry forward.
    func noteAccepted(_ used: String) {
        guard used == token else { return }
        lifetime.noteAccepted(at: now())
    }

    /// A token to retry with after phpIPAM answered 401 to `rejected`.
    func tokenAfterRejection(of rejected: String) async throws(IPAMError) -> String {
        if let token, token != rejected { return token }
        token = nil
        return try await renew()
    }

    /// Logs in (or re-reads the static token), sharing one attempt among concurrent callers.
    private func renew() async throws(IPAMError) -> String {
        let task: Task<Result<String, IPAMError>, Never>
        if let pendingLogin {
            task = pendingLogin
        } else {
            task = Task { await self.obtainToken() }
            pendingLogin = task
        }
        let result = await task.value
        if pendingLogin == task { pendingLogin = nil }
        return try result.get()
    }

    private func obtainToken() async -> Result<String, IPAMError> {
        switch secrets {
        case .login(let username, let password):
            do {
                let (value, expires) = try await login(username: username, password: password)
                token = value
                lifetime = PhpIPAMTokenLifetime(expires: expires, receivedAt: now())
                logger.debug("phpIPAM token obtained", metadata: ["user": "\(username)", "expires": "\(expires ?? "unknown")"])
                return .success(value)
            } catch {
                return .failure(error)
            }
        case .staticToken(let previous, let file):
            // phpIPAM refused the static token: a rotated file may hold a new one.
            do {
                let current = try PhpIPAMSecrets.readSecret(file, what: "token", path: "ipam.phpipam.credentials.tokenFile")
                guard current != previous else {
                    return .failure(.rejected(
                        "phpIPAM answered 401 Unauthorized to the token from \(file); put a valid token of the app's user into that file"))
                }
                secrets = .staticToken(current, file: file)
                token = current
                return .success(current)
            } catch {
                return .failure(error)
            }
        }
    }

    /// `POST /api/{app}/user/` with Basic auth: the token and its `expires` text.
    private func login(username: String, password: String) async throws(IPAMError) -> (String, String?) {
        let credentials = Data("\(username):\(password)".utf8).base64EncodedString()
        let request = HTTPRequest(method: .post, url: apiBase + "/user/", headers: ["Authorization": "Basic \(credentials)"])
        let response: HTTPResponse
        do {
            response = try await http.send(request)
        } catch {
            throw PhpIPAMErrorMapping.map(error, url: apiBase)
        }
        let answer = PhpIPAMAnswer(status: response.status, headers: response.headers, body: response.body, step: "login (POST /user/)")
        let data = try answer.payload(LoginData.self)
        return (data.token, data.expires)
    }

    private struct LoginData: Decodable {
        var token: String
        var expires: String?
    }
}
