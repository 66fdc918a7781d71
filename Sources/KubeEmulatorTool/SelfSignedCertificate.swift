// Makes a throwaway self-signed certificate for 127.0.0.1 with the system `openssl`, so kubectl can use a token.
import Foundation

/// kubectl only sends bearer tokens over TLS, so the tool serves HTTPS by default with a fresh certificate.
struct SelfSignedCertificate {
    /// The directory holding `cert.pem` and `key.pem`.
    let directory: URL

    var certificateFile: String { directory.appendingPathComponent("cert.pem").path }
    var keyFile: String { directory.appendingPathComponent("key.pem").path }

    /// Runs `openssl req -x509` (EC P-256, one day, SAN IP:127.0.0.1 and DNS:localhost) in a new temporary directory.
    static func generate(openssl: String = "/usr/bin/openssl") throws -> SelfSignedCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-emulator-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = SelfSignedCertificate(directory: directory)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", certificate.keyFile, "-out", certificate.certificateFile, "-days", "1", "-subj", "/CN=kube-emulator",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw CertificateError(message: "cannot run \(openssl) (\(error)); pass --tls-cert/--tls-key or --plain-http")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CertificateError(message: "\(openssl) failed with status \(process.terminationStatus); pass --tls-cert/--tls-key or --plain-http")
        }
        return certificate
    }

    /// Deletes the certificate directory.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The self-signed certificate could not be made.
struct CertificateError: Error, CustomStringConvertible {
    var message: String
    var description: String { "kube-emulator: \(message)" }
}
