// Runs the real kubectl against a kubeconfig and captures its output (one-shot runs and long-running watches).
import Foundation
import Synchronization

/// What a finished kubectl run printed.
public struct KubectlResult: Sendable {
    /// The process exit status (0 = success).
    public var exitCode: Int32
    /// Everything written to stdout.
    public var stdout: String
    /// Everything written to stderr.
    public var stderr: String

    /// Whether kubectl exited with 0.
    public var succeeded: Bool { exitCode == 0 }
}

/// Why kubectl could not be run at all.
public struct KubectlRunnerError: Error, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// One line for test output.
    public var description: String { "kubectl runner: \(message)" }
}

/// Runs `/usr/bin/kubectl` with a fixed kubeconfig and a private discovery cache (so tests never touch `~/.kube`).
public struct KubectlRunner: Sendable {
    /// The kubeconfig every command uses.
    public var kubeconfigPath: String
    /// The `--cache-dir` for discovery (one per test keeps runs independent).
    public var cacheDirectory: String
    /// The kubectl binary.
    public var executable: String

    /// Creates a runner; `cacheDirectory` defaults to a `kubectl-cache` folder next to the kubeconfig.
    public init(kubeconfigPath: String, cacheDirectory: String? = nil, executable: String = "/usr/bin/kubectl") {
        self.kubeconfigPath = kubeconfigPath
        self.cacheDirectory = cacheDirectory
            ?? URL(fileURLWithPath: kubeconfigPath).deletingLastPathComponent().appendingPathComponent("kubectl-cache").path
        self.executable = executable
    }

    /// Whether the kubectl binary exists on this machine.
    public var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["KUBECONFIG"] = nil
        environment["HOME"] = URL(fileURLWithPath: cacheDirectory).deletingLastPathComponent().path
        return environment
    }

    private func launch(
        _ arguments: [String], standardInput: Bool = false,
        standardOutput: ChildProcess.Output, standardError: ChildProcess.Output
    ) async throws -> ChildProcess {
        do {
            return try await ChildProcess.launch(
                executable, arguments: ["--kubeconfig", kubeconfigPath, "--cache-dir", cacheDirectory] + arguments,
                environment: environment, standardInput: standardInput,
                standardOutput: standardOutput, standardError: standardError)
        } catch {
            throw KubectlRunnerError(message: "cannot start \(executable): \(error)")
        }
    }

    /// Runs `kubectl arguments…` to completion, feeding `stdin` if given.
    public func run(_ arguments: [String], stdin: String? = nil) async throws -> KubectlResult {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let outURL = directory.appendingPathComponent("stdout")
        let errURL = directory.appendingPathComponent("stderr")
        let child = try await launch(
            arguments, standardInput: stdin != nil, standardOutput: .file(outURL.path), standardError: .file(errURL.path))
        if let input = child.standardInput {
            input.write(Data((stdin ?? "").utf8))
            try? input.close()
        }
        let exitCode = await child.exitStatus()
        return KubectlResult(
            exitCode: exitCode,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? "")
    }

    /// Starts a long-running kubectl (e.g. `get -w`); read its stdout line by line, then `terminate()` it.
    public func start(_ arguments: [String]) async throws -> KubectlProcess {
        let child = try await launch(arguments, standardOutput: .pipe, standardError: .standardOutput)
        guard let output = child.standardOutput else {
            throw KubectlRunnerError(message: "kubectl started without its output pipe")
        }
        return KubectlProcess(child: child, lines: Self.lines(of: output))
    }

    /// The lines read from `handle` until end of file, read by a dedicated thread with blocking reads.
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

/// A kubectl running in the background.
public struct KubectlProcess: Sendable {
    private let child: ChildProcess

    /// Each line kubectl prints (stdout and stderr), without the newline; finishes when the process exits.
    public let lines: AsyncStream<String>

    init(child: ChildProcess, lines: AsyncStream<String>) {
        self.child = child
        self.lines = lines
    }

    /// Stops kubectl (SIGTERM) and reaps it in the background.
    public func terminate() {
        child.terminate()
        Task { [child] in _ = await child.exitStatus() }
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
