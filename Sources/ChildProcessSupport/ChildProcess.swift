// A handle on a child process started with swift-subprocess, for tests and benchmarks that signal, feed or read a running child.
import Foundation
import Subprocess
import SystemPackage
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A child process for tests and benchmarks that run `ip`, `openssl`, `kubectl` or our own tools, started by swift-subprocess.
///
/// swift-subprocess closes every descriptor above stderr in the child and resets its signal mask and
/// dispositions (`ChildProcessTests` checks both), so a long-running child never holds a test's sockets and
/// always obeys ``terminate(signal:)``. What it lacks here is a handle that outlives one call: its
/// `Execution` is valid only inside the `run` closure. This type keeps that closure running until
/// ``exitStatus()`` is awaited or the handle is released, and forwards ``terminate(signal:)`` to it, so a
/// signal always reaches our child (through its pidfd) and never a reused pid.
public final class ChildProcess: Sendable {
    /// Where the child's stdin comes from.
    public enum Input: Sendable {
        /// `/dev/null`.
        case none
        /// A pipe whose write end is ``ChildProcess/standardInput``.
        case pipe
        /// A file, read from its start (the way to feed a child more than a pipe holds without blocking a thread).
        case file(String)
    }

    /// Where the child's stdout or stderr goes.
    public enum Output: Sendable {
        /// `/dev/null`.
        case discard
        /// A pipe whose read end is ``ChildProcess/standardOutput`` (or ``ChildProcess/standardError``).
        case pipe
        /// A file, created or truncated.
        case file(String)
        /// For stderr only: the same place as stdout.
        case standardOutput
        /// This process's own stdout (or stderr), so the child's output shows where ours does.
        case inherit
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    /// The read end of the stdout pipe when stdout is ``Output/pipe``.
    public let standardOutput: FileHandle?
    /// The read end of the stderr pipe when stderr is ``Output/pipe``.
    public let standardError: FileHandle?
    /// The write end of the stdin pipe when started with `standardInput: .pipe`.
    public let standardInput: FileHandle?
    /// Signals for the `run` closure, which holds the only valid `Execution`; finishing it ends the closure.
    private let signals: AsyncStream<Int32>.Continuation
    /// The `run` call: returns the exit status once the closure has ended and the child has exited.
    private let completion: Task<Int32, any Error>

    fileprivate init(
        processIdentifier: pid_t, standardOutput: FileHandle?, standardError: FileHandle?, standardInput: FileHandle?,
        signals: AsyncStream<Int32>.Continuation, completion: Task<Int32, any Error>
    ) {
        self.processIdentifier = processIdentifier
        self.standardOutput = standardOutput
        self.standardError = standardError
        self.standardInput = standardInput
        self.signals = signals
        self.completion = completion
    }

    deinit {
        // Without a handle nobody can signal the child any more: let `run` wait for it and reap it.
        signals.finish()
    }

    /// Starts `executable` (an absolute path) with `arguments`.
    /// - Parameters:
    ///   - environment: The child's environment; `nil` passes this process's environment.
    ///   - standardInput: Where the child's stdin comes from; a pipe's write end is ``standardInput``.
    /// - Throws: ``ChildProcessError`` naming the step that failed.
    public static func launch(
        _ executable: String, arguments: [String], environment: [String: String]? = nil,
        standardInput: Input = .none, standardOutput: Output = .discard, standardError: Output = .discard
    ) async throws(ChildProcessError) -> ChildProcess {
        var streams = Streams()
        do {
            let input: FileDescriptor
            switch standardInput {
            case .none:
                input = try FileDescriptor.open("/dev/null", .readOnly)
            case .pipe:
                let pipe = try FileDescriptor.pipe()
                input = pipe.readEnd
                streams.input = FileHandle(fileDescriptor: pipe.writeEnd.rawValue, closeOnDealloc: true)
            case .file(let path):
                input = try FileDescriptor.open(path, .readOnly)
            }
            let output = try streams.descriptor(for: standardOutput, reader: \.output, own: .standardOutput)
            let start = Start(
                executable: executable, arguments: arguments, environment: Self.environment(environment),
                input: input, output: output)
            if case .standardOutput = standardError {
                return try await start.launch(error: .combinedWithOutput, streams: streams)
            }
            let error = try streams.descriptor(for: standardError, reader: \.error, own: .standardError)
            return try await start.launch(error: .fileDescriptor(error, closeAfterSpawningProcess: true), streams: streams)
        } catch let error as ChildProcessError {
            throw error
        } catch {
            throw ChildProcessError(step: "start \(executable)", reason: "\(error)")
        }
    }

    /// Runs `executable` to completion and returns its exit status and stdout+stderr (at most 4 MiB).
    public static func run(
        _ executable: String, arguments: [String], environment: [String: String]? = nil
    ) async throws(ChildProcessError) -> (status: Int32, output: String) {
        do {
            let result = try await Subprocess.run(
                .path(FilePath(executable)), arguments: Arguments(arguments), environment: Self.environment(environment),
                output: .string(limit: 4 << 20), error: .combinedWithOutput)
            return (code(of: result.terminationStatus), result.standardOutput)
        } catch {
            throw ChildProcessError(step: "run \(executable)", reason: "\(error)")
        }
    }

    /// Waits for the child to exit and returns its exit status (128 + N when killed by signal N).
    ///
    /// From here on ``terminate(signal:)`` does nothing: the child is about to be reaped.
    public func exitStatus() async -> Int32 {
        signals.finish()
        return (try? await completion.value) ?? -1
    }

    /// Sends `signal` (default SIGTERM) unless ``exitStatus()`` has been awaited already.
    public func terminate(signal: Int32 = SIGTERM) {
        signals.yield(signal)
    }

    /// `variables` as the child's whole environment, or this process's environment when `nil`.
    private static func environment(_ variables: [String: String]?) -> Environment {
        guard let variables else { return .inherit }
        // Not the `[[UInt8]]` form: swift-subprocess hands those bytes to strdup, so each would need its own NUL.
        return .custom(Dictionary(uniqueKeysWithValues: variables.map { (Environment.Key(stringLiteral: $0.key), $0.value) }))
    }

    /// The exit status of a terminated child: its code, or 128 + N when killed by signal N.
    static func code(of status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }
}

/// The parent's ends of the child's pipes while they are being made.
private struct Streams {
    var input: FileHandle?
    var output: FileHandle?
    var error: FileHandle?

    /// The descriptor the child writes `output` to; for a pipe, keeps the read end in `reader`; for
    /// ``ChildProcess/Output/inherit``, a duplicate of `own` (the launch closes what it is given).
    mutating func descriptor(
        for output: ChildProcess.Output, reader: WritableKeyPath<Streams, FileHandle?>, own: FileDescriptor
    ) throws -> FileDescriptor {
        switch output {
        case .discard, .standardOutput:
            return try FileDescriptor.open("/dev/null", .writeOnly)
        case .inherit:
            return try own.duplicate()
        case .pipe:
            let pipe = try FileDescriptor.pipe()
            self[keyPath: reader] = FileHandle(fileDescriptor: pipe.readEnd.rawValue, closeOnDealloc: true)
            return pipe.writeEnd
        case .file(let path):
            return try FileDescriptor.open(
                path, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
    }
}

/// One `Subprocess.run` whose closure stays open until the handle lets it go.
private struct Start: Sendable {
    let executable: String
    let arguments: [String]
    let environment: Environment
    let input: FileDescriptor
    let output: FileDescriptor

    func launch<Error: ErrorOutputProtocol>(error: Error, streams: Streams) async throws -> ChildProcess {
        let (signals, signalInput) = AsyncStream<Int32>.makeStream()
        let (started, startedInput) = AsyncThrowingStream<pid_t, any Swift.Error>.makeStream()
        let completion = Task<Int32, any Swift.Error> { [self] in
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(executable)), arguments: Arguments(arguments), environment: environment,
                    input: .fileDescriptor(input, closeAfterSpawningProcess: true),
                    output: .fileDescriptor(output, closeAfterSpawningProcess: true), error: error
                ) { execution in
                    startedInput.yield(execution.processIdentifier.value)
                    startedInput.finish()
                    for await signal in signals {
                        try? execution.send(signal: Signal(rawValue: signal))
                    }
                }
                return ChildProcess.code(of: result.terminationStatus)
            } catch {
                startedInput.finish(throwing: error)
                throw error
            }
        }
        var iterator = started.makeAsyncIterator()
        guard let pid = try await iterator.next() else {
            throw ChildProcessError(step: "start \(executable)", reason: "the child reported no process id")
        }
        return ChildProcess(
            processIdentifier: pid, standardOutput: streams.output, standardError: streams.error,
            standardInput: streams.input, signals: signalInput, completion: completion)
    }
}

/// Starting a child process failed.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// The step that failed (`start /usr/sbin/ip`).
    public var step: String
    /// What went wrong, as swift-subprocess or the system said it.
    public var reason: String

    /// `step failed: reason`.
    public var description: String { "\(step) failed: \(reason)" }
}
