// What the overlay-ipam commands need from their process: environment, output streams, logging and backends.

import FoundationEssentials
import Glibc
import IPAMBackends
import IPAMCore
import Logging

/// The process around a command: injected so tests run commands in-process and capture their output.
public struct CommandContext: Sendable {
    /// Where a line of output goes.
    public enum Stream: Sendable, Hashable {
        case standardOutput
        case standardError
    }

    /// The environment variables (`OVERLAY_IPAM_CONFIG` is read from here).
    public var environment: [String: String]
    /// Writes text (already ending in a newline) to a stream.
    public var write: @Sendable (Stream, String) -> Void
    /// Makes the logger handed to backends, at the given level.
    public var makeLogger: @Sendable (Logger.Level) -> Logger
    /// Opens the backend a configuration selects.
    public var makeBackend: @Sendable (OverlayConfiguration, Logger) async throws -> any IPAMBackend
    /// Reads every NodeOverlayIp of the cluster (kubeconfig path or nil to detect) as node name → the addresses
    /// its status records (`status.ipAddrs`; empty while none is written).
    public var listRecordedAddresses: @Sendable (String?) async throws -> [String: [String]]

    public init(
        environment: [String: String],
        write: @escaping @Sendable (Stream, String) -> Void,
        makeLogger: @escaping @Sendable (Logger.Level) -> Logger,
        makeBackend: @escaping @Sendable (OverlayConfiguration, Logger) async throws -> any IPAMBackend = {
            try await IPAMBackendFactory.makeBackend(for: $0, logger: $1)
        },
        listRecordedAddresses: @escaping @Sendable (String?) async throws -> [String: [String]] = { try await ClusterAddresses.list(kubeconfig: $0) }
    ) {
        self.environment = environment
        self.write = write
        self.makeLogger = makeLogger
        self.makeBackend = makeBackend
        self.listRecordedAddresses = listRecordedAddresses
    }

    /// The real process: its environment, stdout and stderr, logs on stderr, and the configured backends.
    public static func process() -> CommandContext {
        CommandContext(
            environment: ProcessInfo.processInfo.environment,
            write: { stream, text in
                writeAll(text, to: stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO)
            },
            makeLogger: { level in
                var logger = Logger(label: "overlay-ipam", factory: { StreamLogHandler.standardError(label: $0) })
                logger.logLevel = level
                return logger
            })
    }

    /// Writes `line` and a newline to standard output.
    func print(_ line: String) { write(.standardOutput, line + "\n") }

    /// Writes `line` and a newline to standard error.
    func printError(_ line: String) { write(.standardError, line + "\n") }
}

/// Writes every byte of `text` to `descriptor` unbuffered (as `FileHandle.write` did), retrying short writes.
private func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}
