// Generates a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate with openssl.
import Foundation

/// PEM files of a test PKI in a fresh temporary directory: a CA, a server certificate valid for
/// `127.0.0.1`, `::1` and `localhost`, a client certificate (CN `test-client`) signed by the same CA, and a
/// second unrelated CA for "wrong CA" cases. All keys are unencrypted P-256 keys.
///
/// Generating takes a few openssl runs; most tests can share ``shared()``.
public struct TLSTestCertificates: Sendable {
    /// The directory holding every file.
    public let directory: String
    /// The CA certificate that signs the server and client certificates.
    public var caCertificatePath: String { directory + "/ca.pem" }
    /// The server certificate (leaf only).
    public var serverCertificatePath: String { directory + "/server.pem" }
    /// The server's private key.
    public var serverKeyPath: String { directory + "/server.key" }
    /// The client certificate (CN `test-client`, extended key usage clientAuth).
    public var clientCertificatePath: String { directory + "/client.pem" }
    /// The client's private key.
    public var clientKeyPath: String { directory + "/client.key" }
    /// A self-signed CA that signed nothing here, to test verification against the wrong CA.
    public var otherCACertificatePath: String { directory + "/other-ca.pem" }

    /// The CA certificate as PEM bytes.
    public func caCertificatePEM() throws -> [UInt8] { try Self.read(caCertificatePath) }
    /// The client certificate as PEM bytes.
    public func clientCertificatePEM() throws -> [UInt8] { try Self.read(clientCertificatePath) }
    /// The client key as PEM bytes.
    public func clientKeyPEM() throws -> [UInt8] { try Self.read(clientKeyPath) }

    /// Generates a new PKI in a new temporary directory.
    public static func generate() throws -> TLSTestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tls-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TLSTestCertificates(directory: directory)
        try certificates.run()
        return certificates
    }

    /// One PKI generated on first use and shared by every caller in this process.
    public static func shared() throws -> TLSTestCertificates {
        try sharedResult.get()
    }

    private static let sharedResult = Result { try generate() }

    /// Deletes the directory and its files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func run() throws {
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=overlay test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=unrelated test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try issue(
            name: "server", subject: "/CN=localhost",
            extensions: """
                basicConstraints=CA:FALSE
                keyUsage=critical,digitalSignature,keyEncipherment
                extendedKeyUsage=serverAuth
                subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
                """, curve: curve)
        try issue(
            name: "client", subject: "/CN=test-client",
            extensions: """
                basicConstraints=CA:FALSE
                keyUsage=critical,digitalSignature
                extendedKeyUsage=clientAuth
                """, curve: curve)
    }

    private func issue(name: String, subject: String, extensions: String, curve: [String]) throws {
        try Data((extensions + "\n").utf8).write(to: URL(fileURLWithPath: directory + "/\(name).ext"))
        try openssl(["req"] + curve + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext",
        ])
    }

    private func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TLSTestCertificatesError(
                arguments: arguments, output: String(decoding: output, as: UTF8.self))
        }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// An openssl run failed while generating test certificates.
public struct TLSTestCertificatesError: Error, CustomStringConvertible {
    /// The openssl arguments.
    public let arguments: [String]
    /// What openssl wrote to stderr.
    public let output: String

    /// The command and its output.
    public var description: String {
        "openssl \(arguments.joined(separator: " ")) failed: \(output)"
    }
}
