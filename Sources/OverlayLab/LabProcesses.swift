// Starts the operator and the agents as child processes, with logs in the lab folder, and stops them.
import Synchronization
import Foundation

/// The child processes of a lab run. Stopping sends SIGTERM and waits, so each drains as in production.
final class LabProcesses: Sendable {
    private let processes = LockedProcesses()
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
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        guard let log = FileHandle(forWritingAtPath: logPath) else { throw LabError("cannot write \(logPath)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.append(LabProcess(name: logName, process: process))
    }

    /// Names of children that have exited, with their status, so the lab can say what died.
    func exited() -> [(name: String, status: Int32)] {
        processes.all().filter { !$0.process.isRunning }.map { ($0.name, $0.process.terminationStatus) }
    }

    /// SIGTERM to every child, then waits for each (SIGKILL after 10 s).
    func stopAll() async {
        let all = processes.removeAll()
        for child in all where child.process.isRunning { child.process.terminate() }
        for child in all {
            let deadline = ContinuousClock.now + .seconds(10)
            while child.process.isRunning, ContinuousClock.now < deadline {
                try? await Task.sleep(for: .milliseconds(50))
            }
            if child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
        }
    }
}

/// A child process and the name its log file carries.
struct LabProcess: @unchecked Sendable {
    // Safe: `Process` is only read after `run()` (isRunning, terminationStatus, terminate, pid), which
    // Foundation documents as thread-safe; it is never reconfigured once started.
    let name: String
    let process: Process
}

/// The list of children behind a lock.
private final class LockedProcesses: Sendable {
    private let storage = Mutex<[LabProcess]>([])
    func append(_ process: LabProcess) { storage.withLock { $0.append(process) } }
    func all() -> [LabProcess] { storage.withLock { $0 } }
    func removeAll() -> [LabProcess] { storage.withLock { list in defer { list = [] }; return list } }
}

/// A lab failure with the sentence the user reads.
struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
