// Reads a child's output pipe line by line on a thread of its own, as an AsyncStream.
import Foundation
import Synchronization

extension ChildProcess {
    /// The lines read from `handle` (a child's pipe) until end of file, read by a dedicated thread with blocking
    /// reads, never by a Swift concurrency thread (the cooperative pool has one thread per core and must not wait
    /// on a child).
    ///
    /// - Important: Not `readabilityHandler`: on Linux its dispatch source can crash the whole test process
    ///   (`_dispatch_event_loop_drain`) when the pipe is closed while the source is still armed.
    public static func lines(of handle: FileHandle) -> AsyncStream<String> {
        let (lines, continuation) = AsyncStream<String>.makeStream()
        let splitter = LineSplitter(continuation: continuation)
        let reader = Thread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                splitter.append(data)
            }
            splitter.finish()
        }
        reader.start()
        return lines
    }
}

/// Splits pipe chunks into lines and yields them.
private final class LineSplitter: Sendable {
    private let pending = Mutex<[UInt8]>([])
    private let continuation: AsyncStream<String>.Continuation

    init(continuation: AsyncStream<String>.Continuation) {
        self.continuation = continuation
    }

    func append(_ data: Data) {
        let lines = pending.withLock { bytes -> [String] in
            bytes.append(contentsOf: data)
            var lines: [String] = []
            while let newline = bytes.firstIndex(of: 0x0A) {
                lines.append(String(decoding: bytes[..<newline], as: UTF8.self))
                bytes.removeSubrange(...newline)
            }
            return lines
        }
        for line in lines { continuation.yield(line) }
    }

    func finish() {
        let rest = pending.withLock { bytes -> String? in
            defer { bytes.removeAll() }
            return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
        }
        if let rest { continuation.yield(rest) }
        continuation.finish()
    }
}
