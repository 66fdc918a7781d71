// Starts child processes for tests with posix_spawn, avoiding Foundation.Process's crash on Linux.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A child process started with `posix_spawn`, for tests that run `ip`, `openssl`, `kubectl` or our own tools.
///
/// - Important: Use this instead of `Foundation.Process`. On Linux (Swift 6.3.1) `Process.run()` copies the
///   whole 256-byte `d_name` of every `/proc/self/fd` entry and crashes the test process with SIGSEGV when an
///   entry sits at the end of glibc's buffer before an unmapped page (swift-corelibs-foundation PR #5472);
///   with hundreds of sockets open by parallel tests this happened about one full run in six.
///
/// Every descriptor other than the child's stdin, stdout and stderr is closed in the child
/// (`posix_spawn_file_actions_addclosefrom_np`), so a long-running child never holds a test's sockets or
/// another test's pipes open.
public struct ChildProcess: Sendable {
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
    }

    /// The child's process id.
    public let processIdentifier: pid_t
    /// The read end of the stdout pipe when stdout is ``Output/pipe``.
    public let standardOutput: FileHandle?
    /// The read end of the stderr pipe when stderr is ``Output/pipe``.
    public let standardError: FileHandle?
    /// The write end of the stdin pipe when started with `standardInput: true` (else stdin is `/dev/null`).
    public let standardInput: FileHandle?
    private let state: ExitState

    /// Starts `executable` (an absolute path) with `arguments`.
    /// - Parameters:
    ///   - environment: The child's environment; `nil` passes this process's environment.
    ///   - standardInput: Whether to give the child a stdin pipe (``standardInput``); else `/dev/null`.
    /// - Throws: ``ChildProcessError`` naming the step that failed.
    public static func launch(
        _ executable: String, arguments: [String], environment: [String: String]? = nil,
        standardInput: Bool = false, standardOutput: Output = .discard, standardError: Output = .discard
    ) throws(ChildProcessError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Descriptors the parent closes after the spawn (the child's ends of the pipes).
        var childEnds: [Int32] = []
        defer { for descriptor in childEnds { close(descriptor) } }

        var inputWriter: FileHandle?
        if standardInput {
            let (read, write) = try makePipe()
            childEnds.append(read)
            inputWriter = FileHandle(fileDescriptor: write, closeOnDealloc: true)
            posix_spawn_file_actions_adddup2(&actions, read, STDIN_FILENO)
        } else {
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        }
        let outputReader = try redirect(standardOutput, to: STDOUT_FILENO, actions: &actions, childEnds: &childEnds)
        let errorReader = try redirect(standardError, to: STDERR_FILENO, actions: &actions, childEnds: &childEnds)
        if let closeFrom = closeFromFunction {
            _ = closeFrom(&actions, 3)
        }

        // The spawning thread (a dispatch worker) blocks signals; without resetting the mask and the
        // dispositions the child would inherit them and ignore `terminate()`'s SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let status: Int32
        if let environment {
            let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for entry in envp { free(entry) } }
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard status == 0 else {
            throw ChildProcessError(step: "posix_spawn \(executable)", code: status)
        }
        return ChildProcess(
            processIdentifier: pid, standardOutput: outputReader, standardError: errorReader,
            standardInput: inputWriter, state: ExitState())
    }

    /// Runs `executable` to completion, blocking this thread, and returns its status and stdout+stderr.
    public static func run(
        _ executable: String, arguments: [String], environment: [String: String]? = nil
    ) throws(ChildProcessError) -> (status: Int32, output: String) {
        let child = try launch(
            executable, arguments: arguments, environment: environment,
            standardOutput: .pipe, standardError: .standardOutput)
        let output = child.standardOutput?.readDataToEndOfFile() ?? Data()
        return (child.waitUntilExit(), String(decoding: output, as: UTF8.self))
    }

    /// Blocks until the child exits and returns its exit status (128 + N when killed by signal N).
    public func waitUntilExit() -> Int32 {
        state.wait(for: processIdentifier)
    }

    /// Waits for the child to exit without blocking the cooperative pool (a dedicated thread waits).
    public func exitStatus() async -> Int32 {
        await withCheckedContinuation { continuation in
            let waiter = Thread { continuation.resume(returning: waitUntilExit()) }
            waiter.start()
        }
    }

    /// Sends `signal` (default SIGTERM) unless the child has already been reaped.
    public func terminate(signal: Int32 = SIGTERM) {
        state.signalIfRunning(processIdentifier, signal)
    }

    // MARK: - Spawning helpers

    private static func makePipe() throws(ChildProcessError) -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        // `pipe2` is not imported (no _GNU_SOURCE); the moment before FD_CLOEXEC is set does not matter
        // because every child closes all descriptors above stderr anyway.
        guard pipe(&descriptors) == 0 else { throw ChildProcessError(step: "pipe", code: errno) }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        return (descriptors[0], descriptors[1])
    }

    private static func redirect(
        _ output: Output, to target: Int32, actions: inout posix_spawn_file_actions_t, childEnds: inout [Int32]
    ) throws(ChildProcessError) -> FileHandle? {
        switch output {
        case .discard:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
        case .pipe:
            let (read, write) = try makePipe()
            childEnds.append(write)
            posix_spawn_file_actions_adddup2(&actions, write, target)
            return FileHandle(fileDescriptor: read, closeOnDealloc: true)
        case .file(let path):
            posix_spawn_file_actions_addopen(&actions, target, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .standardOutput:
            posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, target)
        }
        return nil
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc ≥ 2.34's `posix_spawn_file_actions_addclosefrom_np`, looked up at run time because Swift's
    /// Glibc module imports `spawn.h` without `_GNU_SOURCE`.
    private static let closeFromFunction: CloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        else { return nil }
        return unsafeBitCast(symbol, to: CloseFrom.self)
    }()
}

/// Reaps the child exactly once and remembers its status, so `terminate()` never signals a reused pid.
private final class ExitState: Sendable {
    private let status = Mutex<Int32?>(nil)

    func wait(for pid: pid_t) -> Int32 {
        // Block until the child has exited without reaping it (WNOWAIT), then reap it under the lock: while
        // the status is unknown the pid still belongs to our child (at worst a zombie), so `kill` is safe.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        return status.withLock { known in
            if let known { return known }
            var raw: Int32 = 0
            let decoded: Int32 = waitpid(pid, &raw, WNOHANG) == pid ? Self.decode(raw) : -1
            known = decoded
            return decoded
        }
    }

    func signalIfRunning(_ pid: pid_t, _ signal: Int32) {
        status.withLock { known in
            if known == nil { kill(pid, signal) }
        }
    }

    private static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}

/// Starting a child process failed.
public struct ChildProcessError: Error, CustomStringConvertible {
    /// The step that failed (`pipe`, `posix_spawn /usr/sbin/ip`).
    public var step: String
    /// The errno-style code it returned.
    public var code: Int32

    /// `step failed: strerror`.
    public var description: String { "\(step) failed: \(String(cString: strerror(code)))" }
}
