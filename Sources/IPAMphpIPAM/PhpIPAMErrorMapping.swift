// Classifies phpIPAM failures as retryable or permanent IPAM errors, keeping phpIPAM's own message.
import HTTP
import IPAMCore

/// A non-2xx answer (or an unreadable one) from phpIPAM, before it becomes an ``IPAMError``.
struct PhpIPAMFailure: Error, Sendable, Equatable {
    /// The HTTP status.
    var status: Int
    /// phpIPAM's `message`, or nil when the body was not a phpIPAM envelope (HTML, empty, truncated).
    var message: String?
    /// What was being done, e.g. `POST /addresses/first_free/7/`.
    var step: String

    /// `500 Invalid username or password` etc., as one readable phrase.
    var summary: String {
        "\(step) answered \(status)" + (message.map { " \($0)" } ?? " without a phpIPAM message")
    }
}

/// Pure mapping rules from transport errors and phpIPAM answers to ``IPAMError``.
enum PhpIPAMErrorMapping {
    /// Messages that mean the request will never succeed as configured.
    private static let configurationMessages: [String: String] = [
        "Invalid application id": "check ipam.phpipam.appID against Administration → API in phpIPAM",
        "SSL connection is required for API": "use an https:// url for this ssl_token app (or put phpIPAM behind a TLS proxy)",
        "Application disabled": "enable the app's permissions in Administration → API in phpIPAM",
        "API server disabled": "enable the API in phpIPAM's settings",
        "invalid permissions": "give the app read/write permission in Administration → API in phpIPAM",
        "Invalid username or password": "check the phpIPAM username and password in the configured credentials",
        "User account is disabled": "enable the phpIPAM user of the configured credentials",
        "Please provide username and password": "configure a username and password for the phpIPAM backend",
    ]

    /// The error for an HTTP client failure talking to `url`.
    static func map(_ error: HTTPError, url: String) -> IPAMError {
        switch error {
        case .connectionFailed, .timedOut, .transport:
            return .backendUnavailable("phpIPAM at \(url): \(error)")
        case .tls(let message):
            return .invalidConfiguration(
                "TLS to phpIPAM at \(url) failed: \(message); set ipam.phpipam.caFile to the CA that signed the server certificate")
        case .invalidRequest(let message):
            return .invalidConfiguration("cannot send requests to phpIPAM at \(url): \(message); check ipam.phpipam.url and caFile")
        case .cancelled:
            return .backendUnavailable("the request to phpIPAM at \(url) was cancelled")
        }
    }

    /// The error for an answer no caller handled specially.
    static func map(_ failure: PhpIPAMFailure) -> IPAMError {
        if let message = failure.message {
            if message.hasPrefix("Your IP has been blocked") {
                return .backendUnavailable("\(failure.summary); phpIPAM lifts the block after 5 minutes, check the credentials")
            }
            if let hint = configurationMessages[message] {
                return failure.status == 503 || failure.status == 400
                    ? .invalidConfiguration("\(failure.summary); \(hint)")
                    : .rejected("\(failure.summary); \(hint)")
            }
        }
        if failure.status >= 500 || failure.status == 429 || failure.status == 408 {
            // SQL errors are phpIPAM refusing this particular request; other 5xx are the server in trouble.
            if let message = failure.message, message.hasPrefix("Error: SQLSTATE") {
                return .rejected(failure.summary)
            }
            return .backendUnavailable(failure.summary)
        }
        return .rejected(failure.summary)
    }
}
