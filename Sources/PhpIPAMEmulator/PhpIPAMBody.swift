// Reads request parameters from JSON, form or Content-Type-less bodies the way phpIPAM does.
import Foundation

/// A failure phpIPAM reports: an error envelope, or the bare PHP fatal error page.
enum APIFailure: Error, Equatable {
    /// `{"code":code,"success":false,"message":message}`.
    case envelope(Int, String)
    /// HTTP 500 with an empty `text/html` body (an uncaught PHP `TypeError`).
    case phpFatalError
}

/// The body parameters of a request. A JSON `null` is a key without a value.
enum RequestBody {
    /// Parses `body` according to `contentType`.
    ///
    /// - JSON (`application/json`, any parameters): an object; anything else is `400 Invalid JSON: Syntax error`.
    /// - Form (`application/x-www-form-urlencoded`) and no Content-Type at all: PHP `parse_str`, which splits on
    ///   `&` only, so `owner=x\nhostname=y\n` is one `owner` value.
    /// - Anything else: `415 Invalid Content type <type>` (the emulator does not produce XML).
    static func parse(contentType: String?, body: [UInt8]) throws(APIFailure) -> [String: String?] {
        let mediaType = contentType.map { $0.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? "" }
        switch mediaType {
        case nil, "", "application/x-www-form-urlencoded":
            return FormDecoding.parse(body).mapValues { Optional($0) }
        case "application/json":
            if body.allSatisfy({ $0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09 }) { return [:] }
            do {
                let object = try JSONDecoder().decode([String: LooseJSONValue].self, from: Data(body))
                return object.mapValues(\.text)
            } catch {
                throw .envelope(400, "Invalid JSON: Syntax error")
            }
        default:
            throw .envelope(415, "Invalid Content type \(contentType ?? "")")
        }
    }
}

/// A JSON value read as PHP would turn it into a request parameter.
struct LooseJSONValue: Decodable {
    /// The parameter text; nil for `null`.
    var text: String?

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            text = nil
        } else if let value = try? container.decode(Bool.self) {
            text = value ? "1" : ""
        } else if let value = try? container.decode(Int.self) {
            text = String(value)
        } else if let value = try? container.decode(Double.self) {
            text = String(value)
        } else if let value = try? container.decode(String.self) {
            text = value
        } else {
            // Arrays and objects: phpIPAM would store "Array"; keep that.
            text = "Array"
        }
    }
}
