// The answer an emulator gives to one request, and what the network layer does with the request.

/// An HTTP response of an emulated server, free of any networking type.
public struct EmulatorResponse: Sendable, EmulatorHeaderFields {
    /// The HTTP status code.
    public var status: Int
    /// The header fields (the server adds `Content-Length`).
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// What the network layer does with one request.
public enum EmulatorDisposition: Sendable {
    /// Wait `delay`, then send `response`.
    case respond(EmulatorResponse, delay: Duration)
    /// Wait `delay`, then reset the connection without answering.
    case resetConnection(delay: Duration)
    /// Never answer; keep the connection open until the client closes it.
    case noAnswer
}
