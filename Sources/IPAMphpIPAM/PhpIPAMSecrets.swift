// Loads the phpIPAM credentials from files or the environment, without ever printing them.
import FoundationEssentials
import FoundationExtras
import IPAMCore

/// What the backend authenticates with.
enum PhpIPAMSecrets: Sendable {
    /// User and password for `POST /user/` (ssl_token and none apps).
    case login(username: String, password: String)
    /// A static token (none apps), re-read from `file` when phpIPAM refuses it.
    case staticToken(String, file: String)

    /// Reads `credentials`; `environment` stands in for the process environment in tests.
    static func load(_ credentials: PhpIPAMCredentials, environment: [String: String]) throws(IPAMError) -> PhpIPAMSecrets {
        switch credentials {
        case .files(let usernameFile, let passwordFile):
            let username = try readSecret(usernameFile, what: "username", path: "ipam.phpipam.credentials.usernameFile")
            let password = try readSecret(passwordFile, what: "password", path: "ipam.phpipam.credentials.passwordFile")
            return .login(username: username, password: password)
        case .environment:
            let userVariable = PhpIPAMCredentials.usernameVariable
            let passwordVariable = PhpIPAMCredentials.passwordVariable
            guard let username = environment[userVariable], !username.isEmpty,
                let password = environment[passwordVariable], !password.isEmpty
            else {
                throw .invalidConfiguration(
                    "phpIPAM credentials come from the environment, but \(userVariable) or \(passwordVariable) is unset or empty; set both, or configure usernameFile/passwordFile")
            }
            return .login(username: username, password: password)
        case .token(let file):
            return .staticToken(try readSecret(file, what: "token", path: "ipam.phpipam.credentials.tokenFile"), file: file)
        }
    }

    /// The trimmed content of a secret file (a trailing newline from `echo` or a Secret is dropped).
    static func readSecret(_ file: String, what: String, path: String) throws(IPAMError) -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .invalidConfiguration("\(path): cannot read the phpIPAM \(what) file \(file); check that it exists and is readable")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespaceAndNewlines()
        guard !text.isEmpty else { throw .invalidConfiguration("\(path): the phpIPAM \(what) file \(file) is empty") }
        return text
    }
}
