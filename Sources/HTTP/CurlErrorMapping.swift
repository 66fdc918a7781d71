// Pure mapping of libcurl result codes to typed HTTPError values with actionable messages.
import CCurl

/// What was known about a transfer when it failed, to say which step failed.
struct TransferFailureContext {
    /// The request's URL as the user gave it.
    var url: String
    /// Whether the TCP (and TLS) connection had been established.
    var connected: Bool
    /// Whether the response head had arrived.
    var headReceived: Bool
    var connectTimeout: Duration
    /// The whole-request timeout in force, if any.
    var requestTimeout: Duration?
}

enum CurlErrorMapping {
    /// The typed error for a failed libcurl transfer; `detail` is libcurl's error buffer (may be empty).
    static func error(for code: CURLcode, detail rawDetail: String, context: TransferFailureContext) -> HTTPError {
        let detail = rawDetail.isEmpty ? String(cString: curl_easy_strerror(code)) : rawDetail
        let url = context.url
        switch code {
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT:
            return .invalidRequest("cannot use URL \(url) (\(detail)): give an absolute http:// or https:// URL")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectionFailed("cannot resolve the host of \(url) (\(detail)): check the host name and DNS")
        case CURLE_COULDNT_CONNECT:
            return .connectionFailed("cannot connect to \(url) (\(detail)): is the server running and reachable?")
        case CURLE_OPERATION_TIMEDOUT:
            if !context.connected {
                return .timedOut(
                    "connecting to \(url) took longer than the connect timeout of \(format(context.connectTimeout)) "
                        + "(\(detail)): is the server reachable?")
            }
            let limit = context.requestTimeout.map { " of \(format($0))" } ?? ""
            return .timedOut("\(url) did not complete within the request timeout\(limit) (\(detail))")
        case CURLE_PEER_FAILED_VERIFICATION:
            return .tls(verificationAdvice(detail: detail, url: url))
        case CURLE_SSL_CACERT_BADFILE:
            return .invalidRequest(
                "cannot load the CA bundle for \(url) (\(detail)): check that the CA file or PEM data holds PEM certificates")
        case CURLE_SSL_CERTPROBLEM:
            return .invalidRequest(
                "cannot use the client certificate for \(url) (\(detail)): check that it is a PEM certificate")
        case CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_CIPHER, CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_SHUTDOWN_FAILED, CURLE_SSL_CLIENTCERT:
            return .tls("TLS with \(url) failed (\(detail))")
        case CURLE_SSL_CONNECT_ERROR:
            if let advice = clientCertificateAdvice(detail: detail, url: url) { return .tls(advice) }
            if detail.contains("key values mismatch") || detail.contains("unable to set private key") {
                return .invalidRequest(
                    "cannot use the client key for \(url) (\(detail)): check that the key is the PEM private key of the client certificate")
            }
            return .tls("the TLS handshake with \(url) failed (\(detail)): check that the server speaks TLS on this port")
        case CURLE_SEND_ERROR, CURLE_RECV_ERROR:
            if let advice = clientCertificateAdvice(detail: detail, url: url) { return .tls(advice) }
            if !context.headReceived {
                return .connectionFailed("the connection to \(url) broke before a response arrived (\(detail))")
            }
            return .transport("the connection to \(url) broke while reading the response (\(detail))")
        case CURLE_GOT_NOTHING:
            return .connectionFailed("\(url) closed the connection without sending a response (\(detail))")
        case CURLE_PARTIAL_FILE:
            return .transport("\(url) closed the connection before the whole body arrived (\(detail))")
        case CURLE_WEIRD_SERVER_REPLY:
            return .transport("\(url) sent a malformed HTTP response (\(detail))")
        case CURLE_ABORTED_BY_CALLBACK:
            return .cancelled
        default:
            return .transport("\(url) failed with libcurl error \(code.rawValue) (\(detail))")
        }
    }

    /// What to do about a failed certificate verification, keyed on OpenSSL's reason.
    static func verificationAdvice(detail: String, url: String) -> String {
        let lowered = detail.lowercased()
        if lowered.contains("subject name") || lowered.contains("does not match") || lowered.contains("hostname") {
            return "the certificate of \(url) is not valid for its host name (\(detail)): "
                + "use the name in the certificate in the URL, or set the TLS server name"
        }
        if lowered.contains("expired") || lowered.contains("not yet valid") {
            return "the certificate of \(url) is outside its validity period (\(detail)): renew it or check the clock"
        }
        let reason: String
        if lowered.contains("self-signed") || lowered.contains("self signed") {
            reason = "certificate verify failed (self-signed certificate)"
        } else if lowered.contains("local issuer") || lowered.contains("issuer certificate") {
            reason = "certificate verify failed (unknown issuer)"
        } else {
            reason = "certificate verify failed"
        }
        return "\(reason) for \(url) (\(detail)): pass the CA that signed the server certificate with caFile "
            + "(or certificate-authority data), or set insecureSkipTLSVerify only for testing"
    }

    /// Advice when the server refused the handshake because no (or a wrong) client certificate was sent.
    static func clientCertificateAdvice(detail: String, url: String) -> String? {
        let lowered = detail.lowercased()
        guard lowered.contains("certificate required") || lowered.contains("alert bad certificate")
            || lowered.contains("alert unknown ca") || lowered.contains("peer did not return a certificate")
        else { return nil }
        return "\(url) refused the client certificate (\(detail)): the server requires a client certificate "
            + "signed by a CA it trusts; set clientCertificate and clientKey"
    }

    /// A duration for messages: `250 ms`, `10 s`, `1.5 s`.
    static func format(_ duration: Duration) -> String {
        let milliseconds = duration.milliseconds
        if milliseconds < 1000 { return "\(milliseconds) ms" }
        if milliseconds % 1000 == 0 { return "\(milliseconds / 1000) s" }
        return "\(Double(milliseconds) / 1000) s"
    }
}

extension Duration {
    /// Whole milliseconds, at least 1 (libcurl reads 0 as "no timeout", so a zero or negative timeout
    /// must mean "expire at once"), clamped to `Int`.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        guard seconds >= 0, attoseconds >= 0 else { return 1 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return Int.max }
        return max(1, Int(scaled) + Int(attoseconds / 1_000_000_000_000_000))
    }
}
