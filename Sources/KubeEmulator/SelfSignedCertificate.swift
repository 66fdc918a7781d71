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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", keyFile, "-out", certificateFile, "-days", "1", "-subj", "/CN=kube-emulator",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try process.run()
        } catch {
            throw .tls("cannot run \(openssl) to make a self-signed certificate (\(error)); install openssl or pass a certificate")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .tls("\(openssl) failed with status \(process.terminationStatus) while making a self-signed certificate")
        }
        return try KubeEmulator.TLS(certificateFile: certificateFile, privateKeyFile: keyFile)
    }
}
