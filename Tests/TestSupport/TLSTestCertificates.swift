// Generates a throwaway CA, a server certificate for 127.0.0.1/localhost and a client certificate with openssl.
import ChildProcessSupport
import Foundation

/// PEM files of a test PKI in a fresh temporary directory: a CA, a server certificate valid for
/// `127.0.0.1`, `::1` and `localhost`, a client certificate (CN `test-client`) signed by the same CA, and a
/// second unrelated CA for "wrong CA" cases. All keys are unencrypted P-256 keys.
///
/// Generating takes one shell running four openssl commands; most tests can share ``shared()``.
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
    public static func generate() async throws -> TLSTestCertificates {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tls-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificates = TLSTestCertificates(directory: directory)
        try await certificates.run()
        return certificates
    }

    /// One PKI generated on first use and shared by every caller in this process.
    ///
    /// The callers wait by suspending while `openssl` runs: when this was a `static let` generated
    /// synchronously, the first caller blocked a cooperative thread and every other caller blocked in the lazy
    /// initializer, freezing the whole pool (two threads on CI) for a second or more.
    public static func shared() async throws -> TLSTestCertificates {
        try await sharedGeneration.value
    }

    private static let sharedGeneration = Task { try await generate() }

    /// Deletes the directory and its files.
    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs every openssl command in one shell. OpenSSL 3 signs with `req -x509 -CA`, so each certificate
    /// takes one command.
    private func run() async throws {
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        let authority = "-addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign'"
        let script = """
            set -e
            openssl req -x509 \(key) -keyout ca.key -out ca.pem -subj '/CN=overlay test CA' \(authority)
            openssl req -x509 \(key) -keyout other-ca.key -out other-ca.pem -subj '/CN=unrelated test CA' \(authority)
            openssl req -x509 \(key) -keyout server.key -out server.pem -subj '/CN=localhost' -CA ca.pem -CAkey ca.key \
              -addext 'basicConstraints=CA:FALSE' -addext 'keyUsage=critical,digitalSignature,keyEncipherment' \
              -addext 'extendedKeyUsage=serverAuth' -addext 'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost'
            openssl req -x509 \(key) -keyout client.key -out client.pem -subj '/CN=test-client' -CA ca.pem -CAkey ca.key \
              -addext 'basicConstraints=CA:FALSE' -addext 'keyUsage=critical,digitalSignature' \
              -addext 'extendedKeyUsage=clientAuth'
            """
        let (status, output) = try await ChildProcess.run(
            "/bin/sh", arguments: ["-c", "cd '\(directory)' || exit 1\nexec >/dev/null\n\(script)"])
        guard status == 0 else {
            throw TLSTestCertificatesError(script: script, output: output)
        }
    }

    private static func read(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }
}

/// The openssl commands failed while generating test certificates.
public struct TLSTestCertificatesError: Error, CustomStringConvertible {
    /// The shell script of openssl commands.
    public let script: String
    /// What the commands wrote to stderr.
    public let output: String

    /// The script and its output.
    public var description: String {
        "generating test certificates failed: \(output)\nscript:\n\(script)"
    }
}
