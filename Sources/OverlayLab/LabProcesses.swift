// Starts the operator and the agents as child processes, with logs in the lab folder, and stops them.
import Synchronization
import Foundation

/// The child processes of a lab run. Stopping sends SIGTERM and waits, so each drains as in production.
///
/// The `Process` objects never leave the lock: every read of them happens inside `withLock`.
final class LabProcesses: Sendable {
    private let processes = Mutex<[LabProcess]>([])
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
        try processes.withLock { list in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            list.append(LabProcess(name: logName, process: process))
        }
    }

    /// Names of children that have exited, with their status, so the lab can say what died.
    func exited() -> [(name: String, status: Int32)] {
        processes.withLock { list in
            list.filter { !$0.process.isRunning }.map { ($0.name, $0.process.terminationStatus) }
        }
    }

    /// SIGTERM to every child, then waits for each (SIGKILL after 10 s).
    func stopAll() async {
        processes.withLock { list in
            for child in list where child.process.isRunning { child.process.terminate() }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, processes.withLock({ $0.contains { $0.process.isRunning } }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        processes.withLock { list in
            for child in list where child.process.isRunning { kill(child.process.processIdentifier, SIGKILL) }
            list.removeAll()
        }
    }
}

/// A child process and the name its log file carries; only ever touched inside ``LabProcesses``' lock.
struct LabProcess {
    let name: String
    let process: Process
}

/// A lab failure with the sentence the user reads.
struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
