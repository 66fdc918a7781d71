// The request and response values the emulator's logic works on, free of any networking type.
import EmulatorSupport

/// An HTTP request as the emulated NetBox sees it.
public struct NetBoxRequest: Sendable, EmulatorHeaderFields {
    /// The method in upper case (`GET`, `POST`, …).
    public var method: String
    /// The request target: path plus optional query, e.g. `/api/ipam/prefixes/?site=dal10`.
    public var target: String
    /// The header fields as received.
    public var headers: [(name: String, value: String)]
    /// The body bytes (empty for none).
    public var body: [UInt8]
    /// Whether the connection uses TLS (absolute links then start with `https://`).
    public var isTLS: Bool
    /// The port the server listens on (used for links when the request has no `Host` header).
    public var serverPort: Int

    public init(
        method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        isTLS: Bool = false, serverPort: Int = 8000
    ) {
        self.method = method.uppercased()
        self.target = target
        self.headers = headers
        self.body = body
        self.isTLS = isTLS
        self.serverPort = serverPort
    }

    /// `http://HOST` or `https://HOST` as Django's `build_absolute_uri` would write it.
    var origin: String {
        let host = header("Host") ?? "127.0.0.1:\(serverPort)"
        return "\(isTLS ? "https" : "http")://\(host)"
    }
}

/// An HTTP response of the emulated NetBox.
public typealias NetBoxResponse = EmulatorResponse

extension NetBoxResponse {
    /// A JSON answer (`Content-Type: application/json`).
    static func json(_ status: Int, _ value: NetBoxJSON) -> Self {
        NetBoxResponse(status: status, headers: [("Content-Type", "application/json")], body: value.serialized(.djangoREST))
    }

    /// `{"detail": message}`, the shape of every non-validation error.
    static func detail(_ status: Int, _ message: String) -> Self {
        json(status, .object([("detail", .string(message))]))
    }

    /// An HTML page (Django's 404 page, a proxy's 5xx).
    static func html(_ status: Int, _ text: String) -> Self {
        NetBoxResponse(status: status, headers: [("Content-Type", "text/html; charset=utf-8")], body: Array(text.utf8))
    }
}
