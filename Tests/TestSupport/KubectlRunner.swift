// Runs the real kubectl against a kubeconfig and captures its output (one-shot runs and long-running watches).
import ChildProcessSupport
import Foundation

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
        _ arguments: [String], standardInput: ChildProcess.Input = .none,
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
        var input = ChildProcess.Input.none
        if let stdin {
            // A file, not a pipe: a write into a full pipe would block a Swift concurrency thread.
            let inURL = directory.appendingPathComponent("stdin")
            try Data(stdin.utf8).write(to: inURL)
            input = .file(inURL.path)
        }
        let child = try await launch(
            arguments, standardInput: input, standardOutput: .file(outURL.path), standardError: .file(errURL.path))
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
        return KubectlProcess(child: child, lines: ChildProcess.lines(of: output))
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
