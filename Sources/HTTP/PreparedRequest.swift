// Validates a request on the caller's thread and turns it into the plain values libcurl needs.
import CCurl
import Glibc

/// A request checked and resolved into libcurl settings, ready to hand to the libcurl thread.
struct PreparedRequest: Sendable {
    var method: HTTPMethod
    /// The URL libcurl requests (its host replaced by the TLS server name when one is set).
    var effectiveURL: String
    /// The URL as the user gave it but without any user name or password, for messages and logs.
    var displayURL: String
    /// The caller's headers, for trace logs (their description redacts credentials).
    var headers: HTTPHeaders
    /// `name: value` lines for `CURLOPT_HTTPHEADER`.
    var headerLines: [String]
    /// A `CURLOPT_CONNECT_TO` entry that sends the server name's connection to the URL's own host and port.
    var connectTo: String?
    /// The body to send, `nil` for none (see ``sendsBody(_:)``).
    var body: [UInt8]?
    var streaming: Bool
    /// libcurl's whole-transfer timeout; `nil` for none.
    var transferTimeout: Duration?
    /// How long a stream may wait for its head (enforced by the engine); `nil` for none.
    var headTimeout: Duration?
    /// How long a stream may go without bytes (enforced by the engine); `nil` for none.
    var idleTimeout: Duration?
    var connectTimeout: Duration
    var tls: TLSConfiguration
    var userAgent: String

    init(_ request: HTTPRequest, streaming: Bool, configuration: HTTPClient.Configuration) throws(HTTPError) {
        let target = try RequestTarget(parsing: request.url)
        method = request.method
        displayURL = target.redactedURL
        effectiveURL = request.url
        connectTo = nil
        headers = request.headers
        var headerLines: [String] = []
        for field in request.headers {
            guard Self.isValidHeader(field) else {
                throw .invalidRequest(
                    "header \(field.name) has an invalid name or a line break in its value: remove control characters")
            }
            headerLines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        if let serverName = configuration.tls.serverName, target.scheme == "https", serverName != target.host {
            // Verify and send SNI for `serverName`, but connect to the URL's own host and port: libcurl only
            // uses the URL's host for TLS, so the URL names the server and CONNECT_TO maps it back.
            effectiveURL = try target.replacingHost(with: serverName)
            connectTo = "\(serverName):\(target.port):\(target.host):\(target.port)"
            if !request.headers.contains(name: "Host") {
                headerLines.append("Host: \(target.hostHeader)")
            }
        }
        // libcurl would otherwise wait up to a second for `100 Continue` before larger bodies, and label a
        // body as a form; send bodies at once and only with the content type the caller chose.
        if !request.headers.contains(name: "Expect") { headerLines.append("Expect:") }
        if Self.sendsBody(request), !request.headers.contains(name: "Content-Type") { headerLines.append("Content-Type:") }
        self.headerLines = headerLines
        body = Self.sendsBody(request) ? request.body ?? [] : nil
        self.streaming = streaming
        if streaming {
            transferTimeout = request.timeout
            headTimeout = configuration.requestTimeout
            idleTimeout = configuration.streamIdleTimeout
        } else {
            transferTimeout = request.timeout ?? configuration.requestTimeout
            headTimeout = nil
            idleTimeout = nil
        }
        connectTimeout = configuration.connectTimeout
        tls = configuration.tls
        userAgent = configuration.userAgent
        if target.scheme == "https" { try Self.checkReadable(tls) }
    }

    /// Whether the request carries a body: any method with one, and `POST`, `PUT` and `PATCH` always
    /// (an empty one with `Content-Length: 0` when `body` is `nil`); `HEAD` never.
    static func sendsBody(_ request: HTTPRequest) -> Bool {
        request.method != .head && (request.body != nil || [.post, .put, .patch].contains(request.method))
    }

    private static func isValidHeader(_ field: HTTPHeaders.Field) -> Bool {
        let separators = Set(" \t:()<>@,;\\\"/[]?={}".utf8)
        let nameIsToken = !field.name.isEmpty && field.name.utf8.allSatisfy { $0 > 32 && $0 < 127 && !separators.contains($0) }
        let valueIsClean = !field.value.utf8.contains { $0 == 0 || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        return nameIsToken && valueIsClean
    }

    /// Fails early, with the file named, when a configured TLS file cannot be read.
    private static func checkReadable(_ tls: TLSConfiguration) throws(HTTPError) {
        let files: [(String, TLSConfiguration.PEMSource?)] = [
            ("CA file", tls.certificateAuthority), ("client certificate file", tls.clientCertificate),
            ("client key file", tls.clientKey),
        ]
        for (role, source) in files {
            guard case .file(let path) = source else { continue }
            if access(path, R_OK) != 0 {
                let reason = String(cString: strerror(errno))
                throw .invalidRequest("cannot read the \(role) \(path) (\(reason)): check the path and its permissions")
            }
        }
        if (tls.clientCertificate == nil) != (tls.clientKey == nil) {
            throw .invalidRequest("a client certificate needs its key and a key needs its certificate: set both or neither")
        }
    }
}

/// The parts of a request URL, parsed by libcurl's own URL parser so that both agree.
struct RequestTarget {
    let url: String
    let scheme: String
    /// The host as it appears in a URL (IPv6 in brackets).
    let host: String
    /// The explicit or default port.
    let port: Int
    /// The value for a `Host:` header: host, plus the port when it is not the scheme's default.
    let hostHeader: String
    /// The URL without user name and password, safe to log.
    let redactedURL: String

    init(parsing url: String) throws(HTTPError) {
        guard let handle = curl_url() else { throw .transport("libcurl could not allocate a URL parser") }
        defer { curl_url_cleanup(handle) }
        let code = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard code == CURLUE_OK else {
            let reason = String(cString: curl_url_strerror(code))
            throw .invalidRequest("cannot parse URL \"\(url)\" (\(reason)): give an absolute http:// or https:// URL")
        }
        let scheme = (Self.part(handle, CURLUPART_SCHEME, flags: 0) ?? "").lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw .invalidRequest("URL \"\(url)\" uses scheme \"\(scheme)\": only http:// and https:// are supported")
        }
        guard let host = Self.part(handle, CURLUPART_HOST, flags: 0), !host.isEmpty else {
            throw .invalidRequest("URL \"\(url)\" has no host: give an absolute http:// or https:// URL")
        }
        let explicitPort = Self.part(handle, CURLUPART_PORT, flags: 0)
        let port = Self.part(handle, CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) }
        self.url = url
        self.scheme = scheme
        self.host = host
        self.port = port ?? (scheme == "https" ? 443 : 80)
        hostHeader = explicitPort.map { "\(host):\($0)" } ?? host
        if Self.part(handle, CURLUPART_USER, flags: 0) != nil || Self.part(handle, CURLUPART_PASSWORD, flags: 0) != nil {
            _ = curl_url_set(handle, CURLUPART_USER, nil, 0)
            _ = curl_url_set(handle, CURLUPART_PASSWORD, nil, 0)
            redactedURL = Self.part(handle, CURLUPART_URL, flags: 0) ?? "\(scheme)://\(hostHeader)"
        } else {
            redactedURL = url
        }
    }

    /// The URL with its host replaced by `newHost`, everything else unchanged.
    func replacingHost(with newHost: String) throws(HTTPError) -> String {
        guard let handle = curl_url() else { throw .transport("libcurl could not allocate a URL parser") }
        defer { curl_url_cleanup(handle) }
        guard curl_url_set(handle, CURLUPART_URL, url, 0) == CURLUE_OK,
            curl_url_set(handle, CURLUPART_HOST, newHost, 0) == CURLUE_OK,
            let rewritten = Self.part(handle, CURLUPART_URL, flags: 0)
        else {
            throw .invalidRequest("TLS server name \"\(newHost)\" is not a valid host name: fix serverName")
        }
        return rewritten
    }

    private static func part(_ handle: OpaquePointer, _ part: CURLUPart, flags: UInt32) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard curl_url_get(handle, part, &value, flags) == CURLUE_OK, let value else { return nil }
        defer { curl_free(value) }
        return String(cString: value)
    }
}
