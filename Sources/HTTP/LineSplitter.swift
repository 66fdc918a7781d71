// Pure splitter of a byte stream into `\n`-terminated lines, joining lines split across chunks.

/// Cuts byte chunks into lines. A line split across chunks is joined; `\n` and a `\r` before it are
/// removed; a last line without `\n` comes out of ``finish()``.
struct LineSplitter: Sendable {
    private var pending: [UInt8] = []

    /// Appends a chunk and returns every line it completed, in order.
    mutating func append(_ chunk: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        while let newline = chunk[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = pending
            pending.removeAll(keepingCapacity: true)
            line.append(contentsOf: chunk[start..<newline])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            lines.append(line)
            start = chunk.index(after: newline)
        }
        pending.append(contentsOf: chunk[start...])
        return lines
    }

    /// The unterminated rest at the end of the stream, if any bytes are left.
    mutating func finish() -> [UInt8]? {
        guard !pending.isEmpty else { return nil }
        defer { pending = [] }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        return pending
    }
}
