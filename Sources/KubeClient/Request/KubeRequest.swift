// KubeRequest: a transport-independent request value (method, path with query, headers, body).

/// An HTTP request to the API server, before the server URL and credentials are added.
public struct KubeRequest: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP verb.
    public enum Method: String, Sendable, Hashable {
        /// `GET` (get, list, watch).
        case get = "GET"
        /// `POST` (create).
        case post = "POST"
        /// `PUT` (update).
        case put = "PUT"
        /// `PATCH` (patch).
        case patch = "PATCH"
        /// `DELETE` (delete).
        case delete = "DELETE"
    }

    /// The verb.
    public var method: Method
    /// The absolute path with the encoded query, e.g. `/api/v1/nodes?limit=500`.
    public var path: String
    /// Header names (canonical case) to values.
    public var headers: [String: String]
    /// The body, for writes.
    public var body: [UInt8]?
    /// Whether this is a long-running watch (exempt from rate limiting and request timeouts).
    public var isWatch: Bool

    /// A request value.
    public init(method: Method, path: String, headers: [String: String] = [:], body: [UInt8]? = nil, isWatch: Bool = false) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isWatch = isWatch
    }

    /// `METHOD path`, for logs (no headers, no body).
    public var description: String { "\(method.rawValue) \(path)" }
}
