// JSON output of the commands: pretty-printed, keys sorted, so scripts and diffs see stable text.

import FoundationEssentials

/// Encodes command output as JSON text.
enum JSONText {
    /// `value` as pretty-printed JSON with sorted keys.
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
