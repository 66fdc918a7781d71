// A swift-log handler that keeps every message and its metadata, to assert on what the backend logs.
import Logging
import Synchronization

/// Collects log lines (message plus metadata, rendered) at every level.
final class CapturedLogs: Sendable {
    struct Line: Sendable {
        var level: Logger.Level
        var text: String
    }

    private let lines = Mutex<[Line]>([])

    /// A logger writing here at `trace` level, so that every line any code could log is seen.
    func logger(label: String = "captured") -> Logger {
        Logger(label: label) { _ in Handler(sink: self) }
    }

    var all: [Line] { lines.withLock { $0 } }

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
