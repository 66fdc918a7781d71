// What the tests rely on from swift-subprocess and the ChildProcess handle: descriptors, signals, exit status.
import ChildProcessSupport
import Foundation
import Testing
import TestSupport

@Suite("Test child processes")
struct ChildProcessTests {
    @Test("a child holds only stdin, stdout and stderr, even while this process has inheritable pipes open")
    func childInheritsNoDescriptors() async throws {
        // An inheritable pipe here must not reach the child (a long-running child would keep it open).
        var open: [Int32] = [0, 0]
        #expect(pipe(&open) == 0)
        defer { close(open[0]); close(open[1]) }
        let (status, output) = try await ChildProcess.run("/bin/sh", arguments: ["-c", "ls /proc/$$/fd"])
        #expect(status == 0)
        #expect(output.split(separator: "\n").sorted() == ["0", "1", "2"], "the child holds \(output)")
    }

    @Test("a child starts with no blocked and no ignored signals, even when this process ignores one")
    func childStartsWithDefaultSignalHandling() async throws {
        // Dispositions set to SIG_IGN survive exec unless the spawner resets them; the spawning thread may be a
        // worker that blocks signals. Either would make a child ignore `terminate()`. SIGUSR2 is unused here.
        let previous = signal(SIGUSR2, SIG_IGN)
        defer { signal(SIGUSR2, previous) }
        let (status, output) = try await ChildProcess.run("/bin/cat", arguments: ["/proc/self/status"])
        #expect(status == 0)
        // /proc's masks as numbers; bit N-1 is signal N. Only the standard signals 1…31 count: glibc's posix_spawn
        // leaves its two internal real-time signals (32, 33) ignored in every child, and nothing sends those.
        func mask(_ name: String) -> UInt64? {
            output.split(separator: "\n").first { $0.hasPrefix("\(name):") }
                .flatMap { UInt64($0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces), radix: 16) }
        }
        let standard: UInt64 = 0x7fff_ffff
        let blocked = try #require(mask("SigBlk"))
        let ignored = try #require(mask("SigIgn"))
        #expect(blocked & standard == 0, "blocked in the child: \(String(blocked, radix: 16))")
        #expect(ignored & standard == 0, "ignored in the child: \(String(ignored, radix: 16))")
    }

    @Test("a given environment reaches the child exactly, and is all it gets")
    func childGetsExactlyTheGivenEnvironment() async throws {
        let variables = ["NODE_NAME": "footprint-node", "EMPTY": "", "SPACED": "a b=c"]
        let (status, output) = try await ChildProcess.run("/usr/bin/env", arguments: [], environment: variables)
        #expect(status == 0)
        #expect(output.split(separator: "\n").sorted() == ["EMPTY=", "NODE_NAME=footprint-node", "SPACED=a b=c"], "\(output)")
    }

    @Test("the exit status comes back, and a signalled child reports 128 plus the signal")
    func exitStatusAndSignal() async throws {
        let exiting = try await ChildProcess.launch("/bin/sh", arguments: ["-c", "exit 3"])
        #expect(await exiting.exitStatus() == 3)
        exiting.terminate()  // already reaped: must not signal anything

        let sleeping = try await ChildProcess.launch("/bin/sleep", arguments: ["30"])
        sleeping.terminate()
        #expect(await sleeping.exitStatus() == 128 + SIGTERM)
    }

    @Test("stdin, stdout and stderr pipes carry data both ways")
    func pipes() async throws {
        let child = try await ChildProcess.launch(
            "/bin/sh", arguments: ["-c", "read line; echo out-$line; echo err-$line >&2"],
            standardInput: .pipe, standardOutput: .pipe, standardError: .pipe)
        let input = try #require(child.standardInput)
        input.write(Data("x\n".utf8))  // two bytes: the pipe takes them without blocking
        try input.close()
        // Read on the reader's own thread: a blocking read here would hold a Swift concurrency thread until the child exits.
        let output = ChildProcess.lines(of: try #require(child.standardOutput))
        let errors = ChildProcess.lines(of: try #require(child.standardError))
        #expect(await output.reduce(into: []) { $0.append($1) } == ["out-x"])
        #expect(await errors.reduce(into: []) { $0.append($1) } == ["err-x"])
        #expect(await child.exitStatus() == 0)
    }

    @Test("a file as stdin is read from its start")
    func fileAsStandardInput() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("child-stdin-\(UUID().uuidString)")
        try Data("first\nsecond\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let child = try await ChildProcess.launch("/bin/cat", arguments: [], standardInput: .file(file.path), standardOutput: .pipe)
        let output = ChildProcess.lines(of: try #require(child.standardOutput))
        #expect(await output.reduce(into: []) { $0.append($1) } == ["first", "second"])
        #expect(await child.exitStatus() == 0)
    }
}
