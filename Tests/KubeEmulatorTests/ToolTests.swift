// The kube-emulator executable: serves HTTPS with a generated certificate, writes a kubeconfig kubectl uses, stops on SIGTERM.
import ChildProcessSupport
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

        let process = try await ChildProcess.launch(
            binary, arguments: ["--write-kubeconfig", kubeconfig, "--token", "tool-token"], standardError: .pipe)
        let errors = try #require(process.standardError)
        defer { process.terminate(signal: SIGKILL) }  // releasing the handle reaps it

        // The log line "kubeconfig written" is the event that says the file is complete.
        var logged = ""
        for await line in ChildProcess.lines(of: errors) {
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
        let status = await process.exitStatus()
        #expect(status == 0)
    }
}
