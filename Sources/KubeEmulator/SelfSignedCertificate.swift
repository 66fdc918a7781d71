// Makes a throwaway self-signed certificate for 127.0.0.1 with the system `openssl` (kubectl sends tokens only over TLS).
import Foundation
import Subprocess

extension KubeEmulator.TLS {
    /// A fresh self-signed certificate for `127.0.0.1`/`localhost` (EC P-256, valid one day), made by `openssl req -x509`.
    ///
    /// kubectl sends bearer tokens only over TLS, so an emulator that kubectl should reach with a token needs this;
    /// pass `certificatePEM` as `certificateAuthorityPEM` when writing the kubeconfig. The key never touches disk
    /// longer than the `openssl` run (a private temporary directory that is removed again).
    public static func generateSelfSigned(
        openssl: String = "/usr/bin/openssl"
    ) async throws(KubeEmulatorError) -> KubeEmulator.TLS {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-emulator-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificateFile = directory.appendingPathComponent("cert.pem").path
        let keyFile = directory.appendingPathComponent("key.pem").path
        let arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyFile, "-out", certificateFile, "-days", "1", "-subj", "/CN=kube-emulator",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        let status: TerminationStatus
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            status = try await Subprocess.run(.path(.init(openssl)), arguments: .init(arguments), output: .discarded)
                .terminationStatus
        } catch {
            throw .tls("cannot run \(openssl) to make a self-signed certificate (\(error)); install openssl or pass a certificate")
        }
        guard status.isSuccess else {
            throw .tls("\(openssl) failed (\(status)) while making a self-signed certificate")
        }
        return try KubeEmulator.TLS(certificateFile: certificateFile, privateKeyFile: keyFile)
    }
}
