// A swift-log handler that keeps every message and its metadata, to assert on what code logs.
import Logging
import Synchronization

/// Collects log lines (message plus metadata, rendered) at every level.
public final class CapturedLogs: Sendable {
    /// One logged line: its level, and the message followed by its metadata as sorted `key=value` pairs.
    public struct Line: Sendable {
        public var level: Logger.Level
        public var text: String
    }

    private let lines = Mutex<[Line]>([])

    /// An empty capture.
    public init() {}

    /// A logger writing here at `trace` level, so that every line any code could log is seen.
    public func logger(label: String = "captured") -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    /// Every line so far, in order.
    public var all: [Line] { lines.withLock { $0 } }

    fileprivate func append(_ line: Line) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let sink: CapturedLogs
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var merged = metadata
            for (key, value) in event.metadata ?? [:] { merged[key] = value }
            let rendered = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            sink.append(Line(level: event.level, text: "\(event.message) \(rendered)"))
        }
    }
}
