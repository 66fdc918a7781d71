// Reading how a backend reaches its IPAM server: the base URL, the TLS trust settings and the request timeout.

extension YAMLReader {
    /// Reads the `url` key of `section`: the base URL of an IPAM server, to which the client appends the API
    /// path. Reports a missing key, a scheme other than `https://` or `http://`, a URL without a host name
    /// or with white space or a query, and a URL that already includes the API path.
    ///
    /// - Parameters:
    ///   - server: The server's name in messages, e.g. `phpIPAM`.
    ///   - example: A base URL to suggest, e.g. `https://phpipam.example.com`.
    ///   - apiPath: The API path the client adds, as shown in the message, e.g. `/api/<appID>`.
    /// - Returns: The URL without trailing slashes, or nil after reporting why it cannot be used.
    public mutating func serverBaseURL(in section: YAMLMapping, server: String, example: String, apiPath: String) -> String? {
        guard let value = section["url"] else {
            reportMissing("url", in: section, hint: "set it to the base URL of \(server), e.g. \(example)")
            return nil
        }
        guard var url = string(value, describing: "a URL such as \(example)") else { return nil }
        let lowered = url.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else {
            report(value.path, "\"\(url)\" must start with https:// or http://")
            return nil
        }
        let host = url.dropFirst(scheme.count).prefix { $0 != "/" }
        guard !host.isEmpty, !url.contains(where: \.isWhitespace), !url.contains("?") else {
            report(value.path, "\"\(url)\" is not a URL with a host name; write e.g. \(example)")
            return nil
        }
        while url.hasSuffix("/") { url.removeLast() }
        if url.lowercased().hasSuffix("/api") || url.lowercased().contains("/api/") {
            report(value.path, "\"\(url)\" includes the API path; give the base URL of \(server) (without \(apiPath)), the client adds it")
            return nil
        }
        return url
    }

    /// Reads `caFile` and `insecureSkipTLSVerify` of `section`, reporting the two set together (the CA file
    /// would be ignored).
    ///
    /// - Returns: The CA file (nil when absent or unreadable, which is reported) and the flag (false when
    ///   absent; nil when unreadable, which is reported).
    public mutating func serverTLS(in section: YAMLMapping) -> (caFile: String?, insecureSkipTLSVerify: Bool?) {
        var caFile: String?
        if let caValue = section["caFile"] {
            caFile = string(caValue, describing: "the path of a PEM CA certificate file")
        }
        var insecure: Bool? = false
        if let insecureValue = section["insecureSkipTLSVerify"] {
            insecure = bool(insecureValue)
        }
        if caFile != nil, insecure == true {
            report(section.value.path(ofKey: "insecureSkipTLSVerify"), "is true, so caFile would be ignored; set either caFile (recommended) or insecureSkipTLSVerify, not both")
        }
        return (caFile, insecure)
    }

    /// Reads `requestTimeout` of `section`: a duration longer than zero, `default` when absent.
    ///
    /// - Parameter example: A duration to suggest when zero is given, e.g. `15s`.
    /// - Returns: The timeout, or nil after reporting why it cannot be used.
    public mutating func requestTimeout(in section: YAMLMapping, default defaultTimeout: Duration, example: String) -> Duration? {
        guard let timeoutValue = section["requestTimeout"] else { return defaultTimeout }
        guard let timeout = duration(timeoutValue) else { return nil }
        if timeout == .zero {
            report(timeoutValue.path, "must be longer than 0s, e.g. \(example)")
            return nil
        }
        return timeout
    }
}
