// Parses durations written in configuration files: `250ms`, `30s`, `5m`, `1h30m`.

extension Duration {
    /// Parses a configuration duration: one or more `<integer><unit>` parts with units `ms`, `s`, `m`
    /// and `h` (Go style, e.g. `30s`, `5m`, `1h30m`), or a bare `0`. Returns `nil` for anything else.
    public init?(configurationText text: String) {
        if text == "0" {
            self = .zero
            return
        }
        var total = Duration.zero
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            // Eleven digits of hours are far beyond any sensible timeout and still cannot overflow Duration.
            guard !digits.isEmpty, digits.count <= 11, let number = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += .milliseconds(number)
            case "s": total += .seconds(number)
            case "m": total += .seconds(number * 60)
            case "h": total += .seconds(number * 3600)
            default: return nil
            }
        }
        self = total
    }

    /// The duration written the way ``init(configurationText:)`` reads it, e.g. `5m` or `1h30m`.
    public var configurationText: String {
        let (seconds, attoseconds) = components
        var milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        if milliseconds == 0 { return "0s" }
        var parts: [String] = []
        for (unit, size) in [("h", Int64(3_600_000)), ("m", 60_000), ("s", 1000), ("ms", 1)] where milliseconds >= size {
            parts.append("\(milliseconds / size)\(unit)")
            milliseconds %= size
        }
        return parts.joined()
    }
}
