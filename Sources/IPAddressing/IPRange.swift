// Inclusive address ranges such as `192.168.100.2-192.168.100.9`, used for reserved addresses.

/// An inclusive range of addresses of one family, `first` through `last`.
///
/// Parsed from `first-last`, from a single address (a range of one), or from a prefix
/// (`192.168.100.0/28`, every address of it). Encodes as its text form.
public struct IPRange: Hashable, Sendable, Codable, CustomStringConvertible, LosslessStringConvertible {
    /// The lowest address in the range.
    public let first: IPAddress
    /// The highest address in the range.
    public let last: IPAddress

    /// Creates the range `first...last`, or `nil` when the families differ or `first > last`.
    public init?(first: IPAddress, last: IPAddress) {
        guard first.family == last.family, first <= last else { return nil }
        self.first = first
        self.last = last
    }

    /// Creates the range of the single address `address`.
    public init(_ address: IPAddress) {
        first = address
        last = address
    }

    /// Creates the range of every address of `prefix`, network and broadcast included.
    public init(_ prefix: IPPrefix) {
        first = prefix.network
        last = prefix.lastAddress
    }

    /// Parses a range, or returns `nil`; use ``init(parsing:)`` to learn why.
    public init?(_ description: String) {
        guard let parsed = try? IPRange(parsing: description) else { return nil }
        self = parsed
    }

    /// Parses `first-last` (`192.168.100.2-192.168.100.9`), a single address, or a prefix.
    /// - Throws: ``IPAddressParseError`` naming the bad end, mixed families, or reversed ends.
    public init(parsing text: String) throws(IPAddressParseError) {
        func fail(_ reason: String) -> IPAddressParseError {
            IPAddressParseError(input: text, expected: .range, reason: reason)
        }
        if text.contains("/") {
            do {
                self.init(try IPPrefix(parsing: text))
            } catch {
                throw fail(error.description)
            }
            return
        }
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count <= 2 else { throw fail("a range has one \"-\" between its first and last address") }
        let first: IPAddress
        let last: IPAddress
        do {
            first = try IPAddress(parsing: String(ends[0]))
            last = ends.count == 2 ? try IPAddress(parsing: String(ends[1])) : first
        } catch {
            throw fail(error.description)
        }
        guard first.family == last.family else {
            throw fail("\(first) is \(first.family) but \(last) is \(last.family)")
        }
        guard first <= last else {
            throw fail("the first address \(first) is after the last address \(last) (write \(last)-\(first))")
        }
        self.init(validatedFirst: first, last: last)
    }

    /// Stores ends already known to be of one family and in order.
    private init(validatedFirst first: IPAddress, last: IPAddress) {
        self.first = first
        self.last = last
    }

    /// The address family of the range.
    public var family: IPAddressFamily { first.family }

    /// Whether `address` lies in the range.
    public func contains(_ address: IPAddress) -> Bool {
        address.family == family && first <= address && address <= last
    }

    /// Whether the two ranges share at least one address.
    public func overlaps(_ other: IPRange) -> Bool {
        other.family == family && first <= other.last && other.first <= last
    }

    /// Whether every address of the range lies in `prefix`.
    public func isInside(_ prefix: IPPrefix) -> Bool {
        prefix.contains(first) && prefix.contains(last)
    }

    /// The number of addresses in the range, saturating at `Int.max` (only huge IPv6 ranges saturate).
    public var count: Int {
        Int(exactly: last.value - first.value).map { $0 == Int.max ? Int.max : $0 + 1 } ?? Int.max
    }

    /// `first-last`, or just the address for a range of one.
    public var description: String { first == last ? "\(first)" : "\(first)-\(last)" }

    /// Decodes the range from its text form.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try IPRange(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes the range as `first-last`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
