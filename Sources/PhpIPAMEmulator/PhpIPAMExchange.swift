// The request and response values the emulator's logic works on, free of any networking type.
import EmulatorSupport

/// An HTTP request as the emulated phpIPAM sees it.
public struct PhpIPAMRequest: Sendable, EmulatorHeaderFields {
    /// The method in upper case (`GET`, `POST`, …).
    public var method: String
    /// The request target: path plus optional query, e.g. `/api/iks/subnets/7/?a=b`.
    public var target: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The client's IP address (used by the login-failure block).
    public var clientAddress: String
    /// Whether the connection uses TLS (phpIPAM's `$_SERVER['HTTPS']=='on'`).
    public var isTLS: Bool
    /// The port the server listens on (443 counts as HTTPS).
    public var serverPort: Int

    public init(
        method: String, target: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [],
        clientAddress: String = "127.0.0.1", isTLS: Bool = false, serverPort: Int = 80
    ) {
        self.method = method.uppercased()
        self.target = target
        self.headers = headers
        self.body = body
        self.clientAddress = clientAddress
        self.isTLS = isTLS
        self.serverPort = serverPort
    }
}

/// An HTTP response of the emulated phpIPAM.
public typealias PhpIPAMResponse = EmulatorResponse

extension PhpIPAMResponse {
    /// A JSON answer with phpIPAM's content type.
    static func json(_ status: Int, _ value: EmulatorJSON, extraHeaders: [(name: String, value: String)] = []) -> Self {
        PhpIPAMResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8")] + extraHeaders,
            body: value.serialized(.phpJSONEncode))
    }

    /// An HTML answer (PHP fatal errors, proxies in trouble).
    static func html(_ status: Int, _ text: String) -> Self {
        PhpIPAMResponse(status: status, headers: [("Content-Type", "text/html; charset=UTF-8")], body: Array(text.utf8))
    }
}
