// One NetBox answer: status, body and the request it answers, with typed decoding and failure details.
import FoundationEssentials
import HTTP
import IPAMCore

/// A NetBox HTTP answer of any status.
struct NetBoxAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The request, e.g. `POST /api/ipam/prefixes/7/available-ips/`, for messages.
    var step: String

    var isSuccess: Bool { (200..<300).contains(status) }

    /// What went wrong, read from the body (`{"detail": …}`, field errors, or an HTML page).
    var failure: NetBoxFailure {
        NetBoxFailure(status: status, step: step, body: body, apiVersion: headers["API-Version"])
    }

    /// The body decoded as `T`; a non-2xx answer throws its mapped error, an unreadable body is retryable.
    func decode<T: Decodable>(_ type: T.Type, context: NetBoxErrorContext) throws(IPAMError) -> T {
        guard isSuccess else { throw NetBoxErrorMapping.map(failure, context: context) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            let preview = String(decoding: body.prefix(160), as: UTF8.self)
            throw .backendUnavailable("\(step) answered \(status) with a body that is not the expected NetBox JSON (\(error)): \(preview)")
        }
    }

    /// Throws the mapped error unless the answer is a 2xx.
    func requireSuccess(context: NetBoxErrorContext) throws(IPAMError) {
        guard isSuccess else { throw NetBoxErrorMapping.map(failure, context: context) }
    }
}

/// A non-2xx NetBox answer, before it becomes an ``IPAMError``.
struct NetBoxFailure: Error, Sendable, Equatable {
    var status: Int
    var step: String
    /// `detail`, or the field errors as `field: message` joined, or nil for HTML and empty bodies.
    var message: String?
    /// The field errors (`{"custom_fields": {...}}` or `{"tags": [...]}`), keyed by field.
    var fieldErrors: [String: String]
    /// Whether the body was an HTML page (NetBox answers unknown API paths with its HTML 404 page).
    var isHTML: Bool
    /// The server's `API-Version` header, e.g. `4.4`.
    var apiVersion: String?

    init(status: Int, step: String, message: String?, fieldErrors: [String: String] = [:], isHTML: Bool = false, apiVersion: String? = nil) {
        self.status = status
        self.step = step
        self.message = message
        self.fieldErrors = fieldErrors
        self.isHTML = isHTML
        self.apiVersion = apiVersion
    }

    init(status: Int, step: String, body: [UInt8], apiVersion: String?) {
        self.status = status
        self.step = step
        self.apiVersion = apiVersion
        let text = String(decoding: body.prefix(2000), as: UTF8.self)
        isHTML = text.drop { $0.isWhitespace }.hasPrefix("<")
        fieldErrors = [:]
        message = nil
        guard !isHTML, let value = try? JSONDecoder().decode(NetBoxErrorValue.self, from: Data(body)) else { return }
        // A list POST's field errors come as one object per item (empty for the items without errors).
        var object: [String: NetBoxErrorValue] = [:]
        switch value {
        case .object(let fields): object = fields
        case .list(let items):
            for case .object(let fields) in items { object.merge(fields) { first, _ in first } }
        default: return
        }
        if case .text(let detail)? = object["detail"] {
            message = detail
            return
        }
        for (field, value) in object {
            fieldErrors[field] = value.flattened
        }
        message = fieldErrors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
    }

    /// `POST … answered 403 You do not have permission…`, as one readable phrase.
    var summary: String {
        if isHTML { return "\(step) answered \(status) with an HTML page" }
        return "\(step) answered \(status)" + (message.map { " \($0)" } ?? "")
    }
}

/// A value in a NetBox error body: a message, a list of messages or an object of messages.
enum NetBoxErrorValue: Decodable, Sendable {
    case text(String)
    case list([NetBoxErrorValue])
    case object([String: NetBoxErrorValue])
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else if let list = try? container.decode([NetBoxErrorValue].self) {
            self = .list(list)
        } else if let object = try? container.decode([String: NetBoxErrorValue].self) {
            self = .object(object)
        } else {
            self = .other
        }
    }

    /// All messages in one line.
    var flattened: String {
        switch self {
        case .text(let text): text
        case .list(let items): items.map(\.flattened).joined(separator: " ")
        case .object(let items): items.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.flattened)" }.joined(separator: "; ")
        case .other: ""
        }
    }
}
