// Makes a throwaway self-signed certificate for 127.0.0.1 with the system `openssl` (kubectl sends tokens only over TLS).
import Foundation

extension KubeEmulator.TLS {
    /// A fresh self-signed certificate for `127.0.0.1`/`localhost` (EC P-256, valid one day), made by `openssl req -x509`.
    ///
    /// kubectl sends bearer tokens only over TLS, so an emulator that kubectl should reach with a token needs this;
    /// pass `certificatePEM` as `certificateAuthorityPEM` when writing the kubeconfig. The key never touches disk
    /// longer than the `openssl` run (a private temporary directory that is removed again).
    public static func generateSelfSigned(openssl: String = "/usr/bin/openssl") throws(KubeEmulatorError) -> KubeEmulator.TLS {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-emulator-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("cert.pem").path
        let keyFile = directory.appendingPathComponent("key.pem").path
        let arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyFile, "-out", certificateFile, "-days", "1", "-subj", "/CN=kube-emulator",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        let status: Int32
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            status = try runQuietly(openssl, arguments)
        } catch {
            throw .tls("cannot run \(openssl) to make a self-signed certificate (\(error)); install openssl or pass a certificate")
        }
        guard status == 0 else {
            throw .tls("\(openssl) failed with status \(status) while making a self-signed certificate")
        }
        return try KubeEmulator.TLS(certificateFile: certificateFile, privateKeyFile: keyFile)
    }
}

/// `posix_spawn` failed with this errno.
private struct SpawnFailure: Error, CustomStringConvertible {
    var code: Int32
    var description: String { "posix_spawn: \(String(cString: strerror(code)))" }
}

/// Runs `executable` with stdin, stdout and stderr on `/dev/null`, blocks until it exits and returns its
/// exit status (128 + N when killed by signal N).
///
/// - Important: Not `Foundation.Process`: on Linux (Swift 6.3.1) `Process.run()` over-reads the `d_name` of
///   `/proc/self/fd` entries and can crash a process with many descriptors open (swift-corelibs-foundation
///   PR #5472), which is what a test process running many emulators in parallel has.
private func runQuietly(_ executable: String, _ arguments: [String]) throws -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var pid = pid_t()
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard spawned == 0 else { throw SpawnFailure(code: spawned) }
    var raw: Int32 = 0
    while waitpid(pid, &raw, 0) == -1 && errno == EINTR {}
    let signal = raw & 0x7f
    return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
}
