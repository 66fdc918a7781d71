// Typed failures of the HTTP client, naming the step that failed and what to do about it.

/// Why an HTTP exchange failed. Each case names the failing step; the message says what went wrong
/// and, where a user can act, what to do. A response with any status code (including 4xx/5xx) is not an
/// error at this layer.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server could not be reached: name resolution failed, the connection was refused or reset
    /// before a response arrived.
    case connectionFailed(String)
    /// A timeout expired: connecting, the whole request, waiting for response headers, or no bytes on a
    /// stream for the idle timeout.
    case timedOut(String)
    /// The TLS handshake failed: certificate verification, client certificate, or protocol mismatch.
    case tls(String)
    /// The calling task was cancelled and the transfer was aborted.
    case cancelled
    /// The request cannot be sent as given (bad URL, unusable TLS file); retrying will not help.
    case invalidRequest(String)
    /// The transfer failed after the connection was set up (the peer closed mid-response, a malformed
    /// response, an internal libcurl failure).
    case transport(String)

    /// Whether trying the same request again later can succeed: connection failures, timeouts and
    /// transport errors are retryable; TLS setup errors, invalid requests and cancellation are not.
    public var isRetryable: Bool {
        switch self {
        case .connectionFailed, .timedOut, .transport: true
        case .tls, .cancelled, .invalidRequest: false
        }
    }

    /// One line saying which step failed and why.
    public var description: String {
        switch self {
        case .connectionFailed(let message): "connection failed: \(message)"
        case .timedOut(let message): "timed out: \(message)"
        case .tls(let message): "TLS failed: \(message)"
        case .cancelled: "cancelled: the request was aborted because its task was cancelled"
        case .invalidRequest(let message): "invalid request: \(message)"
        case .transport(let message): "transport failed: \(message)"
        }
    }
}
