// The certificate chain and private key an emulator presents when it serves HTTPS, and the NIOSSL context made of them.
import NIOSSL

/// A PEM certificate chain and private key for an emulator's HTTPS endpoint.
///
/// ```swift
/// let tls = EmulatorTLS(certificateChainPEM: chain, privateKeyPEM: key)
/// let server = try await NetBoxServer.start(emulator: NetBoxEmulator(), tls: tls)
/// ```
public struct EmulatorTLS: Sendable {
    /// The server certificate and its chain, PEM.
    public var certificateChainPEM: [UInt8]
    /// The server's private key, PEM.
    public var privateKeyPEM: [UInt8]

    /// Creates TLS material from PEM bytes.
    public init(certificateChainPEM: [UInt8], privateKeyPEM: [UInt8]) {
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
    }

    /// A server context presenting this chain and key; throws NIOSSL's error when either is not usable PEM.
    package func makeContext() throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMBytes(certificateChainPEM)
        let key = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        return try NIOSSLContext(configuration: configuration)
    }
}
