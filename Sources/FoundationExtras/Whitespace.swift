// Whitespace trimming for the shipped modules, which link FoundationEssentials only (no CharacterSet trimming).

extension StringProtocol {
    /// The text without leading and trailing white space and newlines (as
    /// `trimmingCharacters(in: .whitespacesAndNewlines)`).
    public func trimmingWhitespaceAndNewlines() -> String {
        trimmed { $0.isWhitespace }
    }

    /// The text without leading and trailing spaces and tabs, keeping newlines (as
    /// `trimmingCharacters(in: .whitespaces)`).
    public func trimmingWhitespace() -> String {
        trimmed { $0.isWhitespace && !$0.isNewline }
    }

    private func trimmed(where isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
