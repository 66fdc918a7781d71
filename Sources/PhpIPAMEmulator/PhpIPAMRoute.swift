// Splits a phpIPAM API request target into app id, controller, ids and query parameters.

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
        var segments = pathPart.split(separator: "/").map { FormDecoding.percentDecode(String($0), plusAsSpace: false) }
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
            } else if EmulatorIPv4(dotted: id) != nil {
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

/// PHP's `parse_str` and URL decoding.
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
            let key = percentDecode(name, plusAsSpace: true)
            if !key.isEmpty { result[key] = percentDecode(value, plusAsSpace: true) }
        }
        return result
    }

    /// Decodes `%XX` escapes (and `+` as a space in form data).
    static func percentDecode(_ text: String, plusAsSpace: Bool) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%"), index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2]) {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusAsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
