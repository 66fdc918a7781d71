// Splits a phpIPAM API request target into app id, controller, ids and query parameters.
import EmulatorSupport

/// Where a request goes: `/api/{app}/{controller}/{id}/{id2}/{id3}/?query`.
struct PhpIPAMRoute: Sendable, Equatable {
    /// The app id in lower case (phpIPAM matches it case-insensitively).
    var appID: String
    /// The controller in lower case.
    var controller: String
    /// The path segments after the controller, percent-decoded; the trailing slash is optional.
    var ids: [String]
    var query: [String: String]

    /// The id at `index` (0 = `id`, 1 = `id2`, …).
    func id(_ index: Int) -> String? { index < ids.count ? ids[index] : nil }

    /// Parses a request target; nil when the path is not under `/api/`.
    init?(target: String) {
        let pathPart: Substring
        var query: [String: String] = [:]
        if let mark = target.firstIndex(of: "?") {
            pathPart = target[..<mark]
            query = FormDecoding.parse(Array(target.utf8[target.utf8.index(after: mark)...]))
        } else {
            pathPart = target[...]
        }
        var segments = pathPart.split(separator: "/").map { PercentDecoding.decode(String($0), plusAsSpace: false) }
        guard segments.first == "api" else { return nil }
        segments.removeFirst()
        if segments.isEmpty {
            // The query form: /api/?app_id=iks&controller=subnets&id=7
            segments = [query["app_id"] ?? "", query["controller"] ?? ""]
            for key in ["id", "id2", "id3", "id4"] {
                guard let value = query[key] else { break }
                segments.append(value)
            }
        }
        appID = segments.first?.lowercased() ?? ""
        controller = segments.count > 1 ? segments[1].lowercased() : ""
        ids = Array(segments.dropFirst(2))
        self.query = query
    }

    /// A label for counting requests per route: ids become `{id}`, addresses `{ip}`, search terms `{value}`.
    func label(method: String) -> String {
        var parts = [controller]
        var previous = ""
        for id in ids {
            if Int(id) != nil {
                parts.append("{id}")
            } else if EmulatorIP(id) != nil {
                parts.append("{ip}")
            } else if previous.hasPrefix("search") || previous == "cidr" {
                parts.append("{value}")
            } else {
                parts.append(id)
            }
            previous = id
        }
        return "\(method) \(parts.joined(separator: "/"))"
    }
}

/// PHP's `parse_str`.
enum FormDecoding {
    /// Splits on `&` only (a newline does not separate pairs) and URL-decodes names and values.
    static func parse(_ bytes: [UInt8]) -> [String: String] {
        var result: [String: String] = [:]
        for pair in bytes.split(separator: UInt8(ascii: "&")) {
            let text = String(decoding: pair, as: UTF8.self)
            let name: String
            let value: String
            if let equals = text.firstIndex(of: "=") {
                name = String(text[..<equals])
                value = String(text[text.index(after: equals)...])
            } else {
                name = text
                value = ""
            }
            let key = PercentDecoding.decode(name, plusAsSpace: true)
            if !key.isEmpty { result[key] = PercentDecoding.decode(value, plusAsSpace: true) }
        }
        return result
    }
}
