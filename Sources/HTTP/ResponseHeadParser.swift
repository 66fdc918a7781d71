// Pure parser of response header lines into the final response's status and headers.

/// The status and headers of the final response.
struct ResponseHead: Sendable, Hashable {
    var status: Int
    var headers: HTTPHeaders
}

/// Turns the header lines libcurl hands over, one complete line per call, into the head of the final
/// response. Interim `1xx` responses (`100 Continue`, `103 Early Hints`) are skipped, and every status
/// line starts a fresh header list, so only the last response's headers remain. Lines after the head
/// (chunked trailers) are ignored.
struct ResponseHeadParser {
    private(set) var status: Int?
    private(set) var headers = HTTPHeaders()
    /// The head once the blank line after a final status has been seen.
    private(set) var completedHead: ResponseHead?

    /// Consumes one header line (with or without its `\r\n`); returns the head when this line completed it.
    mutating func consume(line rawLine: [UInt8]) -> ResponseHead? {
        guard completedHead == nil else { return nil }
        var line = rawLine[...]
        while let last = line.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
            line = line.dropLast()
        }
        if line.isEmpty {
            guard let status, !(100..<200).contains(status) else {
                // The end of an interim response: the real one follows.
                startNewResponse(status: nil)
                return nil
            }
            let head = ResponseHead(status: status, headers: headers)
            completedHead = head
            return head
        }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            startNewResponse(status: Self.parseStatus(text))
            return nil
        }
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // An obsolete folded continuation of the previous field's value.
            headers.appendToLastValue(" " + text.trimmingHTTPWhitespace())
            return nil
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[..<colon]).trimmingHTTPWhitespace()
        let value = String(text[text.index(after: colon)...]).trimmingHTTPWhitespace()
        guard !name.isEmpty else { return nil }
        headers.add(name: name, value: value)
        return nil
    }

    /// The status code from a status line such as `HTTP/1.1 200 OK` or `HTTP/2 404`.
    static func parseStatus(_ statusLine: String) -> Int? {
        let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, let code = Int(parts[1]), (100...999).contains(code) else { return nil }
        return code
    }

    private mutating func startNewResponse(status: Int?) {
        self.status = status
        headers = HTTPHeaders()
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (HTTP's optional whitespace).
    func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = firstIndex(where: { !isWhitespace($0) }),
            let end = lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(self[start...end])
    }
}
