// The request and response values the emulator's logic works on, free of any networking type.

/// An HTTP request as the emulated phpIPAM sees it.
public struct PhpIPAMRequest: Sendable {
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

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// An HTTP response of the emulated phpIPAM.
public struct PhpIPAMResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// A JSON answer with phpIPAM's content type.
    static func json(_ status: Int, _ value: EmulatorJSON, extraHeaders: [(name: String, value: String)] = []) -> Self {
        PhpIPAMResponse(
            status: status,
            headers: [("Content-Type", "application/json; charset=utf-8")] + extraHeaders,
            body: value.serialized())
    }

    /// An HTML answer (PHP fatal errors, proxies in trouble).
    static func html(_ status: Int, _ text: String) -> Self {
        PhpIPAMResponse(status: status, headers: [("Content-Type", "text/html; charset=UTF-8")], body: Array(text.utf8))
    }
}
