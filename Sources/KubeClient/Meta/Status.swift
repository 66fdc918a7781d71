// Status: the API server's answer for failures (and some successes), with details and causes.

/// A `metav1.Status`: the body of every non-2xx answer and of watch `ERROR` events.
public struct Status: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `"Success"` or `"Failure"`.
    public var status: String?
    /// A human-readable description.
    public var message: String?
    /// A machine-readable reason such as `NotFound`, `Conflict`, `Expired`.
    public var reason: String?
    /// Extra data about the reason (the object, causes, retry-after).
    public var details: StatusDetails?
    /// The HTTP status code the server meant.
    public var code: Int?

    /// A status with the given fields.
    public init(
        status: String? = "Failure", message: String? = nil, reason: String? = nil, details: StatusDetails? = nil,
        code: Int? = nil
    ) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, status, message, reason, details, code
    }

    /// Decodes a status, ignoring `apiVersion` and `kind`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        message = try container.decodeIfPresent(String.self, forKey: .message)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        details = try container.decodeIfPresent(StatusDetails.self, forKey: .details)
        code = try container.decodeIfPresent(Int.self, forKey: .code)
    }

    /// Encodes `{"kind":"Status","apiVersion":"v1",…}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("v1", forKey: .apiVersion)
        try container.encode("Status", forKey: .kind)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encodeIfPresent(message, forKey: .message)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(details, forKey: .details)
        try container.encodeIfPresent(code, forKey: .code)
    }

    /// `code reason: message` followed by the causes, for logs and error messages.
    public var description: String {
        var text = [code.map(String.init), reason].compactMap { $0 }.joined(separator: " ")
        if let message, !message.isEmpty { text += text.isEmpty ? message : ": \(message)" }
        let causes = details?.causes ?? []
        if !causes.isEmpty {
            text += " (" + causes.map(\.description).joined(separator: "; ") + ")"
        }
        return text.isEmpty ? "unknown status" : text
    }
}

/// Extra data in a `Status`: the object it is about and the individual causes.
public struct StatusDetails: Sendable, Hashable, Codable {
    /// The object's name.
    public var name: String?
    /// The object's API group.
    public var group: String?
    /// The object's kind (or resource).
    public var kind: String?
    /// The object's uid.
    public var uid: String?
    /// Individual problems, e.g. one per invalid field.
    public var causes: [StatusCause]?
    /// Seconds the client should wait before retrying.
    public var retryAfterSeconds: Int?

    /// Details with the given fields.
    public init(
        name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
        causes: [StatusCause]? = nil, retryAfterSeconds: Int? = nil
    ) {
        self.name = name
        self.group = group
        self.kind = kind
        self.uid = uid
        self.causes = causes
        self.retryAfterSeconds = retryAfterSeconds
    }
}

/// One problem in a `Status`, e.g. an invalid field.
public struct StatusCause: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A machine-readable cause such as `FieldValueRequired` or `FieldValueInvalid`.
    public var reason: String?
    /// A human-readable description.
    public var message: String?
    /// The field path, e.g. `spec.subnet`.
    public var field: String?

    /// A cause with the given fields.
    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// `field: message`.
    public var description: String {
        [field, message ?? reason].compactMap { $0 }.joined(separator: ": ")
    }
}
