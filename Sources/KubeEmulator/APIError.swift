// Failures the emulator answers with, rendered as `Status` bodies exactly like kube-apiserver's.

/// One field problem inside an `Invalid` Status (`details.causes[]`).
public struct StatusCause: Sendable, Equatable {
    /// Machine-readable reason (`FieldValueInvalid`, `FieldValueRequired`, …).
    public var reason: String
    /// The message without the field prefix (`Invalid value: "x": …`).
    public var message: String
    /// The field path (`spec.subnet`).
    public var field: String

    /// Creates a cause.
    public init(reason: String, message: String, field: String) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// `field: message`, the form used in the Status message.
    var line: String { field.isEmpty ? message : "\(field): \(message)" }
}

/// An API failure: HTTP code, `reason` and message, plus the `details` the real server fills in.
struct APIError: Error, Sendable {
    var code: Int
    var reason: String
    var message: String
    var detailsName: String?
    var detailsGroup: String?
    var detailsKind: String?
    var causes: [StatusCause] = []
    var retryAfterSeconds: Int?

    /// The `Status` object for the response body.
    var status: JSON {
        var details: [String: JSON] = [:]
        if let detailsName { details["name"] = .string(detailsName) }
        if let detailsGroup, !detailsGroup.isEmpty { details["group"] = .string(detailsGroup) }
        if let detailsKind { details["kind"] = .string(detailsKind) }
        if !causes.isEmpty {
            details["causes"] = .array(causes.map {
                .object(["reason": .string($0.reason), "message": .string($0.message), "field": .string($0.field)])
            })
        }
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        var status: [String: JSON] = [
            "kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Failure",
            "message": .string(message), "reason": .string(reason), "code": .int(Int64(code)),
        ]
        if !details.isEmpty { status["details"] = .object(details) }
        return .object(status)
    }

    /// `plural.group` as the real server names a resource in messages (`configmaps`, `leases.coordination.k8s.io`).
    static func qualifiedName(_ resource: ResourceType) -> String { resource.key }

    static func notFound(_ resource: ResourceType, name: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "\(qualifiedName(resource)) \"\(name)\" not found",
                 detailsName: name, detailsGroup: resource.group, detailsKind: resource.plural)
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
                 detailsName: namespace, detailsGroup: "", detailsKind: "namespaces")
    }

    static func alreadyExists(_ resource: ResourceType, name: String) -> APIError {
        APIError(code: 409, reason: "AlreadyExists", message: "\(qualifiedName(resource)) \"\(name)\" already exists",
                 detailsName: name, detailsGroup: resource.group, detailsKind: resource.plural)
    }

    static func conflict(_ resource: ResourceType, name: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualifiedName(resource)) \"\(name)\": the object has been modified; "
                + "please apply your changes to the latest version and try again",
            detailsName: name, detailsGroup: resource.group, detailsKind: resource.plural)
    }

    static func preconditionFailed(_ resource: ResourceType, name: String, message: String) -> APIError {
        APIError(code: 409, reason: "Conflict",
                 message: "Operation cannot be fulfilled on \(qualifiedName(resource)) \"\(name)\": \(message)",
                 detailsName: name, detailsGroup: resource.group, detailsKind: resource.plural)
    }

    /// 422 with causes; the message is `Kind.group "name" is invalid: cause` (several causes in brackets).
    static func invalid(_ resource: ResourceType, name: String, causes: [StatusCause]) -> APIError {
        let qualifiedKind = resource.group.isEmpty ? resource.kind : "\(resource.kind).\(resource.group)"
        let summary = causes.count == 1 ? causes[0].line : "[" + causes.map(\.line).joined(separator: ", ") + "]"
        return APIError(code: 422, reason: "Invalid", message: "\(qualifiedKind) \"\(name)\" is invalid: \(summary)",
                        detailsName: name, detailsGroup: resource.group, detailsKind: resource.kind, causes: causes)
    }

    static func invalidCRD(_ line: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: "CustomResourceDefinition.apiextensions.k8s.io is invalid: \(line)",
                 detailsGroup: ResourceType.crdGroup, detailsKind: "CustomResourceDefinition")
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(code: 415, reason: "UnsupportedMediaType", message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            .with(message: "the body of the request was in an unknown format - \(contentType)")
    }

    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    static let unauthorized = APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")

    /// 410 for a `continue` token whose snapshot is gone.
    static let expiredContinue = APIError(
        code: 410, reason: "Expired",
        message: "The provided continue parameter is too old to display a consistent list result. You can start a new list "
            + "without the continue parameter, or use the continue value from the response to continue after the last object.")

    /// 410 for a watch or exact list from a resource version older than the history.
    static func tooOld(requested: UInt64, oldest: UInt64) -> APIError {
        APIError(code: 410, reason: "Expired", message: "too old resource version: \(requested) (\(oldest))")
    }

    /// An injected failure: the usual reason for the code.
    static func injected(code: Int, message: String?) -> APIError {
        let reason: String
        switch code {
        case 400: reason = "BadRequest"
        case 401: reason = "Unauthorized"
        case 403: reason = "Forbidden"
        case 404: reason = "NotFound"
        case 409: reason = "Conflict"
        case 410: reason = "Expired"
        case 422: reason = "Invalid"
        case 429: reason = "TooManyRequests"
        case 503: reason = "ServiceUnavailable"
        case 504: reason = "Timeout"
        default: reason = "InternalError"
        }
        var error = APIError(code: code, reason: reason, message: message ?? "injected failure (\(code) \(reason))")
        if code == 429 { error.retryAfterSeconds = 1 }
        return error
    }

    func with(message: String) -> APIError {
        var copy = self
        copy.message = message
        return copy
    }
}

extension JSON: ExpressibleByStringLiteral {
    /// A string literal is a JSON string.
    public init(stringLiteral value: String) { self = .string(value) }
}
