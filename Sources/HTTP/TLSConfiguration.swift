// TLS settings of an HTTP client: trusted CA, client certificate, verification and server name.

/// How ``HTTPClient`` verifies servers and authenticates itself over `https://`.
///
/// The default trusts the system CA bundle, verifies the peer and its host name, and sends no client
/// certificate.
public struct TLSConfiguration: Sendable, Hashable {
    /// Where PEM material comes from: a file read when each connection is set up, or bytes in memory.
    public enum PEMSource: Sendable, Hashable {
        /// A PEM file on disk, for example a mounted Secret (re-read for every new connection, so a
        /// rotated file is picked up without a restart).
        case file(String)
        /// PEM bytes in memory, for example decoded from a kubeconfig's `certificate-authority-data`.
        case pem([UInt8])
    }

    /// The CA bundle that signs the server's certificate; `nil` trusts the system bundle.
    public var certificateAuthority: PEMSource?
    /// The client certificate (PEM) sent when the server asks for one; needs ``clientKey``.
    public var clientCertificate: PEMSource?
    /// The private key (PEM, unencrypted) of ``clientCertificate``.
    public var clientKey: PEMSource?
    /// Skip verifying the server's certificate and host name. Only for tests and first setup: anyone on
    /// the path can read and change the traffic.
    public var insecureSkipVerify: Bool
    /// The name to verify the server certificate against (and to send as SNI) instead of the URL's host,
    /// like kubeconfig's `tls-server-name`.
    ///
    /// The client still connects to the URL's host and port (libcurl's `CURLOPT_CONNECT_TO` maps the name
    /// back to the URL's own host, never to another address) and keeps the URL's host in `Host:`.
    public var serverName: String?

    /// Creates TLS settings; the defaults verify against the system CA bundle.
    public init(
        certificateAuthority: PEMSource? = nil, clientCertificate: PEMSource? = nil, clientKey: PEMSource? = nil,
        insecureSkipVerify: Bool = false, serverName: String? = nil
    ) {
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }
}
