// Starts the operator and the agents as child processes (swift-subprocess), with logs in the lab folder, and stops them.
import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// The child processes of a lab run. Stopping sends SIGTERM and waits, so each drains as in production.
///
/// Each child is one `Subprocess.run` in its own task; cancelling the task is swift-subprocess' teardown:
/// SIGTERM, then SIGKILL if the child is still there after 10 s.
final class LabProcesses: Sendable {
    private let children = Mutex<[LabProcess]>([])
    let binDirectory: String
    let logDirectory: String

    init(binDirectory: String, logDirectory: String) {
        self.binDirectory = binDirectory
        self.logDirectory = logDirectory
    }

    /// Starts `executable` from the build folder with `arguments` and extra `environment`, logging to
    /// `<logDirectory>/<logName>.log`.
    func start(_ executable: String, arguments: [String], environment: [String: String] = [:], logName: String) throws {
        let path = "\(binDirectory)/\(executable)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw LabError("\(path) does not exist; build it first with `swift build` (make lab does)")
        }
        let logPath = "\(logDirectory)/\(logName).log"
        let log: FileDescriptor
        do {
            log = try FileDescriptor.open(
                logPath, .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        } catch {
            throw LabError("cannot write \(logPath): \(error)")
        }
        var options = PlatformOptions()
        options.teardownSequence = [.gracefulShutDown(allowedDurationToNextStep: .seconds(10))]
        let variables = environment.map { (Environment.Key(stringLiteral: $0.key), Optional($0.value)) }
        let exit = LabExit()
        let run = Task { [options] in
            let outcome: String
            do {
                let result = try await Subprocess.run(
                    .path(FilePath(path)), arguments: Arguments(arguments),
                    environment: .inherit.updating(Dictionary(uniqueKeysWithValues: variables)), platformOptions: options,
                    output: .fileDescriptor(log, closeAfterSpawningProcess: true), error: .combinedWithOutput)
                outcome = switch result.terminationStatus {
                case .exited(let code): "exit status \(code)"
                case .signaled(let signal): "signal \(signal)"
                }
            } catch {
                outcome = "a failure to start (\(error))"
            }
            exit.outcome.withLock { $0 = outcome }
        }
        children.withLock { $0.append(LabProcess(name: logName, run: run, exit: exit)) }
    }

    /// Names of children that have exited, with how they ended, so the lab can say what died.
    func exited() -> [(name: String, status: String)] {
        children.withLock { list in
            list.compactMap { child in child.exit.outcome.withLock { $0 }.map { (child.name, $0) } }
        }
    }

    /// Stops every child (SIGTERM, SIGKILL after 10 s) and waits until all have exited.
    func stopAll() async {
        let list = children.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for child in list { child.run.cancel() }
        for child in list { await child.run.value }
    }
}

/// A child process, the name its log file carries, and how it ended once it has.
struct LabProcess: Sendable {
    let name: String
    let run: Task<Void, Never>
    let exit: LabExit
}

/// How a child ended (its termination status, or why it did not start); `nil` while it runs.
final class LabExit: Sendable {
    let outcome = Mutex<String?>(nil)
}

/// A lab failure with the sentence the user reads.
struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
