// KubeAPIError: a non-2xx answer from the API server, decoded from its Status body.
import FoundationEssentials
import FoundationExtras

/// An error answer from the API server (any non-2xx response, or a watch `ERROR` event).
public struct KubeAPIError: Error, Sendable, CustomStringConvertible {
    /// The classified reason.
    public enum Reason: Sendable, Hashable {
        /// 404: the object (or namespace) does not exist.
        case notFound
        /// 409 on create: an object with that name exists.
        case alreadyExists
        /// 409: stale resourceVersion or failed precondition; re-read and retry.
        case conflict
        /// 422 (or 400 `BadRequest` with causes): the object failed validation; see `status.details.causes`.
        case invalid
        /// 410 `Gone`: the resourceVersion is too old (older servers); relist.
        case gone
        /// 410 `Expired`: the resourceVersion or continue token is too old; relist.
        case expired
        /// 403: RBAC forbids the request.
        case forbidden
        /// 401: the credentials were rejected.
        case unauthorized
        /// 429: slow down; see `retryAfter`.
        case tooManyRequests
        /// 5xx, `InternalError`, `ServerTimeout`, `Timeout`, `ServiceUnavailable`.
        case serverError
        /// Anything else; see `code` and `status`.
        case other
    }

    /// The HTTP status code (or, for a watch `ERROR`, the Status' `code`).
    public let code: Int
    /// The classified reason.
    public let reason: Reason
    /// The decoded Status (synthesized from the body text when the body is not a Status).
    public let status: Status
    /// How long to wait before retrying, from `Retry-After` or `details.retryAfterSeconds`.
    public let retryAfter: Duration?

    /// An error from a code and a Status; the reason comes from `status.reason`, else from the code.
    public init(code: Int, status: Status, retryAfter: Duration? = nil) {
        self.code = code
        self.status = status
        self.reason = Self.classify(code: code, reason: status.reason)
        self.retryAfter = retryAfter ?? status.details?.retryAfterSeconds.map { .seconds($0) }
    }

    /// An error for a watch `ERROR` event (the Status' own code, 500 when it has none).
    public init(watchStatus status: Status) {
        self.init(code: status.code ?? 500, status: status)
    }

    /// Decodes an error response: the body should be a `Status`; anything else keeps its first 512
    /// bytes as the message so the cause stays visible.
    ///
    /// - Parameter retryAfterHeader: the `Retry-After` header value (whole seconds), if any.
    public static func from(statusCode: Int, retryAfterHeader: String?, body: [UInt8]) -> KubeAPIError {
        let retryAfter = retryAfterHeader.flatMap { Int($0.trimmingWhitespace()) }.map {
            Duration.seconds($0)
        }
        if let status = try? KubeJSON.decode(Status.self, from: body),
            status.reason != nil || status.message != nil || status.code != nil
        {
            return KubeAPIError(code: statusCode, status: status, retryAfter: retryAfter)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingWhitespaceAndNewlines()
        let message = text.isEmpty ? "HTTP \(statusCode) with an empty body" : "HTTP \(statusCode): \(text)"
        return KubeAPIError(code: statusCode, status: Status(message: message, code: statusCode), retryAfter: retryAfter)
    }

    /// Whether retrying the same request later may succeed (429, 5xx). A conflict needs a re-read
    /// first and gone/expired need a relist, so they are not counted here.
    public var isRetryable: Bool {
        reason == .tooManyRequests || reason == .serverError
    }

    /// The reason of `error` when it is a `KubeAPIError`, else `nil`.
    public static func reason(of error: any Error) -> Reason? {
        (error as? KubeAPIError)?.reason
    }

    /// What went wrong and what to do about it.
    public var description: String {
        var text = "Kubernetes API error \(code)"
        if let reason = status.reason { text += " \(reason)" }
        if let message = status.message, !message.isEmpty { text += ": \(message)" }
        let causes = status.details?.causes ?? []
        if !causes.isEmpty { text += " [" + causes.map(\.description).joined(separator: "; ") + "]" }
        switch reason {
        case .unauthorized: text += " (check the token or client certificate of the kubeconfig or service account)"
        case .forbidden: text += " (grant the missing permission in the RBAC role of this identity)"
        case .conflict: text += " (re-read the object and apply the change again)"
        case .gone, .expired: text += " (relist to get a fresh resourceVersion)"
        case .tooManyRequests:
            if let retryAfter { text += " (retry after \(retryAfter))" }
        default: break
        }
        return text
    }

    static func classify(code: Int, reason: String?) -> Reason {
        switch reason {
        case "NotFound": return .notFound
        case "AlreadyExists": return .alreadyExists
        case "Conflict": return .conflict
        case "Invalid": return .invalid
        case "Gone": return .gone
        case "Expired": return .expired
        case "Forbidden": return .forbidden
        case "Unauthorized": return .unauthorized
        case "TooManyRequests": return .tooManyRequests
        case "InternalError", "ServerTimeout", "Timeout", "ServiceUnavailable": return .serverError
        default: break
        }
        switch code {
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 409: return .conflict
        case 410: return .gone
        case 422: return .invalid
        case 429: return .tooManyRequests
        case 500...599: return .serverError
        default: return .other
        }
    }
}
