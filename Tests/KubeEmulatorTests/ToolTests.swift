// The kube-emulator executable: serves HTTPS with a generated certificate, writes a kubeconfig kubectl uses, stops on SIGTERM.
import Foundation
import Testing
import TestSupport

@Suite("kube-emulator executable")
struct ToolTests {
    /// The built `kube-emulator` next to the test bundle (`swift build --build-tests` builds every product).
    static var binary: String? {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("kube-emulator").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }

    @Test("writes a kubeconfig that kubectl can use and exits on SIGTERM",
          .enabled(if: binary != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func servesUntilSIGTERM() async throws {
        let binary = try #require(Self.binary)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeemu-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let kubeconfig = directory.appendingPathComponent("kubeconfig").path

        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--write-kubeconfig", kubeconfig, "--token", "tool-token"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let (exited, exitContinuation) = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { exitContinuation.yield($0.terminationStatus); exitContinuation.finish() }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The log line "kubeconfig written" is the event that says the file is complete.
        var logged = ""
        for await line in KubectlRunner.lines(of: errors.fileHandleForReading) {
            logged += line + "\n"
            if logged.contains("kubeconfig written") { break }
        }
        #expect(logged.contains("tls=true"))
        let contents = try String(contentsOfFile: kubeconfig, encoding: .utf8)
        #expect(contents.contains("server: https://127.0.0.1:"))
        #expect(contents.contains("certificate-authority-data:"))

        let result = try await KubectlRunner(kubeconfigPath: kubeconfig).run(["get", "namespaces", "-o", "name"])
        #expect(result.stdout.contains("namespace/default"), "\(result.stderr)")

        process.terminate()
        var status: Int32?
        for await code in exited { status = code }
        #expect(status == 0)
    }
}
