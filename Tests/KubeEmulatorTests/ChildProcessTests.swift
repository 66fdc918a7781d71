// The test-support ChildProcess (posix_spawn) that replaces Foundation.Process: descriptors, exit status, signals.
import Foundation
import Testing
import TestSupport

@Suite("Test child processes")
struct ChildProcessTests {
    @Test("a child holds only stdin, stdout and stderr, even while this process has pipes open")
    func childInheritsNoDescriptors() async throws {
        // An inheritable pipe here must not reach the child (a long-running child would keep it open).
        var open: [Int32] = [0, 0]
        #expect(pipe(&open) == 0)
        defer { close(open[0]); close(open[1]) }
        let (status, output) = try await onDedicatedThread {
            try ChildProcess.run("/bin/sh", arguments: ["-c", "ls /proc/$$/fd"])
        }
        #expect(status == 0)
        #expect(output.split(separator: "\n").sorted() == ["0", "1", "2"], "the child holds \(output)")
    }

    @Test("the exit status comes back, and a signalled child reports 128 plus the signal")
    func exitStatusAndSignal() async throws {
        let exiting = try ChildProcess.launch("/bin/sh", arguments: ["-c", "exit 3"])
        #expect(await exiting.exitStatus() == 3)
        exiting.terminate()  // already reaped: must not signal anything

        let sleeping = try ChildProcess.launch("/bin/sleep", arguments: ["30"])
        sleeping.terminate()
        #expect(await sleeping.exitStatus() == 128 + SIGTERM)
    }
}
