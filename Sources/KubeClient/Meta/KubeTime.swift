// Kubernetes timestamps: Time (RFC 3339, whole seconds) and MicroTime (six fractional digits).
import FoundationEssentials

/// A Kubernetes timestamp on the wire: an RFC 3339 string in UTC with a fixed number of fractional digits.
///
/// ``KubeTime`` and ``KubeMicroTime`` differ only in ``fractionDigits``; parsing, formatting, ordering and
/// coding live here once.
public protocol KubeTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Fractional second digits written on the wire (0 for Time, 6 for MicroTime).
    static var fractionDigits: Int { get }
    /// The instant.
    var date: Date { get }
    /// Wraps an instant.
    init(_ date: Date)
}

extension KubeTimestamp {
    /// The current wall-clock time.
    public static func now() -> Self { Self(Date()) }

    /// Parses RFC 3339 (`2006-01-02T15:04:05Z`, `…05.123Z`, `…05+07:00`).
    public init?(rfc3339 string: String) {
        guard let date = RFC3339.parse(string) else { return nil }
        self.init(date)
    }

    /// The wire form in UTC with ``fractionDigits`` fractional digits.
    public var description: String { RFC3339.format(date, fractionDigits: Self.fractionDigits) }

    /// Orders by instant.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.date < rhs.date }

    /// Decodes the RFC 3339 string form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let date = RFC3339.parse(string) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an RFC 3339 timestamp: \(string)")
        }
        self.init(date)
    }

    /// Encodes the wire form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A `metav1.Time`: RFC 3339 in UTC with whole seconds (`2024-05-01T12:00:00Z`).
///
/// Fractions are dropped when encoding, as the API server does. Parsing accepts fractions and offsets.
public struct KubeTime: KubeTimestamp {
    public static let fractionDigits = 0
    /// The instant.
    public var date: Date
    /// Wraps an instant.
    public init(_ date: Date) { self.date = date }
}

/// A `metav1.MicroTime`: RFC 3339 in UTC with exactly six fractional digits
/// (`2006-01-02T15:04:05.000000Z`), used by Lease and events.k8s.io/v1 Event.
public struct KubeMicroTime: KubeTimestamp {
    public static let fractionDigits = 6
    /// The instant.
    public var date: Date
    /// Wraps an instant.
    public init(_ date: Date) { self.date = date }
}

/// Locale-free RFC 3339 formatting and parsing on the proleptic Gregorian calendar.
enum RFC3339 {
    /// Formats `date` in UTC with `fractionDigits` digits (0 or 6): the time is rounded to the nearest
    /// microsecond (absorbing `Double` error), then cut to `fractionDigits` digits, as Go's formatter cuts.
    static func format(_ date: Date, fractionDigits: Int) -> String {
        // Round to the nearest microsecond first: `Date` is a Double, so .123456 may be .1234559999.
        let totalMicros = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
        let wholeSeconds = totalMicros >= 0 ? totalMicros / 1_000_000 : (totalMicros - 999_999) / 1_000_000
        let micros = totalMicros - wholeSeconds * 1_000_000
        let days = wholeSeconds >= 0 ? wholeSeconds / 86_400 : (wholeSeconds - 86_399) / 86_400
        let secondOfDay = wholeSeconds - days * 86_400
        let (year, month, day) = civilDate(fromDays: days)
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
        text += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay % 3600 / 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            text += "." + pad(micros, 6).prefix(fractionDigits)
        }
        return text + "Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t`, `z` and a space separator are accepted.
    static func parse(_ string: String) -> Date? {
        let bytes = Array(string.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<(index + digits)] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += digits
            return value
        }
        func expect(_ allowed: Set<UInt8>) -> Bool {
            guard index < bytes.count, allowed.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect([45]), let month = number(2), expect([45]), let day = number(2),
            expect([84, 116, 32]), let hour = number(2), expect([58]), let minute = number(2), expect([58]),
            let second = number(2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var digits = 0
            var value = 0
            var scale = 1.0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 9 {
                    value = value * 10 + Int(bytes[index] - 48)
                    scale *= 10
                }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            fraction = Double(value) / scale
        }
        var offsetSeconds = 0
        if expect([90, 122]) {
            offsetSeconds = 0
        } else if index < bytes.count, bytes[index] == 43 || bytes[index] == 45 {
            let sign = bytes[index] == 45 ? -1 : 1
            index += 1
            guard let offsetHours = number(2), expect([58]), let offsetMinutes = number(2) else { return nil }
            offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// Days since 1970-01-01 for a civil date (H. Hinnant's `days_from_civil`).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The civil date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    private static func civilDate(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
