// What the client sends: method, URL, headers, optional body and timeout.

/// An HTTP request for ``HTTPClient``.
public struct HTTPRequest: Sendable, Hashable {
    /// The request method.
    public var method: HTTPMethod
    /// The absolute `http://` or `https://` URL, including path and query.
    public var url: String
    /// Header fields to send. `Host`, `Content-Length` and `Accept-Encoding` are managed by the client.
    public var headers: HTTPHeaders
    /// The body to send, or `nil` for none. Sent with any method but `HEAD`; `POST`, `PUT` and `PATCH` with a `nil`
    /// body send an empty body with `Content-Length: 0`.
    public var body: [UInt8]?
    /// The longest the whole exchange may take, overriding ``HTTPClient/Configuration/requestTimeout``.
    ///
    /// For ``HTTPClient/stream(_:)`` it bounds the whole stream; `nil` there means the stream may run
    /// for as long as bytes keep arriving (see ``HTTPClient/Configuration/streamIdleTimeout``).
    public var timeout: Duration?

    /// Creates a request.
    public init(
        method: HTTPMethod = .get, url: String, headers: HTTPHeaders = [:], body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}
