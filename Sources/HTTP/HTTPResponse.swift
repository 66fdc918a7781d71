// A complete response: final status, headers and the whole body.

/// A complete HTTP response returned by ``HTTPClient/send(_:)``.
///
/// Redirects are not followed and interim `1xx` responses are skipped: `status` and `headers` belong to
/// the final response the server sent for this request.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, for example `200`.
    public var status: Int
    /// The response header fields.
    public var headers: HTTPHeaders
    /// The whole response body (empty for `HEAD` and for responses without a body).
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
