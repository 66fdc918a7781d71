// The typed error of every address, prefix and range parser: which text, what it should be, why not.

/// Why a piece of text is not a valid address, prefix or range.
///
/// Its ``description`` quotes the input and says what is wrong, for example
/// `"192.168.1.300" is not an IPv4 address: octet 300 is greater than 255`.
public struct IPAddressParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What the parser expected the text to be.
    public enum Expected: String, Sendable, Hashable {
        /// A dotted-quad IPv4 address such as `192.168.100.4`.
        case ipv4Address = "an IPv4 address"
        /// An IPv6 address such as `fd00::4`.
        case ipv6Address = "an IPv6 address"
        /// A network prefix such as `192.168.100.0/24`.
        case prefix = "a network prefix"
        /// An address range such as `192.168.100.2-192.168.100.9`.
        case range = "an address range"
    }

    /// The text that failed to parse, unchanged.
    public var input: String
    /// What the text was supposed to be.
    public var expected: Expected
    /// What is wrong with it, phrased so that the user knows what to fix.
    public var reason: String

    /// Creates an error for `input`, which is not `expected` because of `reason`.
    public init(input: String, expected: Expected, reason: String) {
        self.input = input
        self.expected = expected
        self.reason = reason
    }

    /// One line: `"<input>" is not <expected>: <reason>`.
    public var description: String { "\"\(input)\" is not \(expected.rawValue): \(reason)" }
}
