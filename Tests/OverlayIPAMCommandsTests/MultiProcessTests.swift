// Several overlay-ipam processes reserving on one database file at once (real inter-process SQLite locking).

import ChildProcessSupport
import Foundation
import TestSupport
import Testing

@Suite("overlay-ipam processes sharing one database")
struct MultiProcessTests {
    /// The `overlay-ipam` executable `swift build --build-tests` puts next to the test bundle.
    private static func executable() throws -> URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test runner is `<bin>/<package>PackageTests.xctest`; elsewhere it may sit inside a bundle.
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("overlay-ipam")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        throw CommandFailureForTest("overlay-ipam is not built next to \(testBinary.path); run `swift build --build-tests` first")
    }

    /// Runs `overlay-ipam` as a child process, its standard output going to `outputFile`; returns its exit
    /// status and output. A dedicated thread waits for the child, so the cooperative pool never blocks.
    private static func spawn(_ executable: URL, _ arguments: [String], outputFile: String) async throws -> (status: Int32, output: String) {
        let process = try await ChildProcess.launch(
            executable.path, arguments: arguments, standardOutput: .file(outputFile), standardError: .discard)
        let status = await process.exitStatus()
        return (status, try String(contentsOfFile: outputFile, encoding: .utf8))
    }

    @Test("concurrent processes never hand one address to two nodes, and one node gets one address")
    func concurrentProcesses() async throws {
        let executable = try Self.executable()
        try await withTemporaryDirectory(prefix: "overlay-ipam-processes") { directory in
            let harness = try CommandHarness(directory: directory)
            // Create the database first so every process starts from the same schema.
            #expect(await harness.run(["show"]).status == 0)
            let config = ["--config", harness.configPath]
            let results = try await withThrowingTaskGroup(of: (String, Int32, String).self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let result = try await Self.spawn(
                            executable, ["reserve", "--owner", "node-\(index)", "--zone", "dal12"] + config,
                            outputFile: directory.file("node-\(index).out"))
                        return ("node-\(index)", result.status, result.output)
                    }
                }
                for attempt in 0..<8 {
                    group.addTask {
                        let result = try await Self.spawn(
                            executable, ["reserve", "--owner", "same", "--zone", "dal12"] + config,
                            outputFile: directory.file("same-\(attempt).out"))
                        return ("same", result.status, result.output)
                    }
                }
                return try await group.reduce(into: [(String, Int32, String)]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0.1 == 0 }, "every reserve exits 0: \(results.filter { $0.1 != 0 })")
            let addressByNode = results.reduce(into: [String: Set<String>]()) { map, result in
                let address = result.2.split(separator: " ").dropFirst().first.map(String.init) ?? "?"
                map[result.0, default: []].insert(address)
            }
            #expect(addressByNode["same"]?.count == 1, "one owner got \(addressByNode["same"] ?? [])")
            let distinct = Set(addressByNode.values.flatMap { $0 })
            #expect(distinct.count == 25, "25 owners got \(distinct.count) distinct addresses")
            let show = await harness.run(["show", "-o", "json"])
            #expect(show.standardOutput.contains("\"used\" : 25"))
        }
    }
}

/// A test precondition that failed (the error text says how to fix the setup).
struct CommandFailureForTest: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
