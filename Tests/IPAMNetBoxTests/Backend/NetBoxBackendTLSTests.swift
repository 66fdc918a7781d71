// The NetBox backend over TLS: a CA file, a server name other than the URL's host, and a token file that rotates.
import FoundationEssentials
import IPAMConformance
import IPAMCore
import IPAMNetBox
import Logging
import NetBoxEmulator
import TestSupport
import Testing

@Suite("NetBox backend: TLS and token files")
struct NetBoxBackendTLSTests {
    let owner = ConformanceFixture.standard.owner("node-1")

    func serverTLS() async throws -> (NetBoxServer.TLS, TLSTestCertificates) {
        let certificates = try await TLSTestCertificates.shared()
        guard let chain = FileManager.default.contents(atPath: certificates.serverCertificatePath),
            let key = FileManager.default.contents(atPath: certificates.serverKeyPath)
        else { throw IPAMError.rejected("the test certificates cannot be read") }
        return (NetBoxServer.TLS(certificateChainPEM: Array(chain), privateKeyPEM: Array(key)), certificates)
    }

    @Test("TLS works with the CA file and a server name; a wrong CA is a configuration error naming caFile")
    func tls() async throws {
        let (tls, certificates) = try await serverTLS()
        try await NetBoxTestServer.with(tls: tls) { server in
            #expect(server.server.baseURL.hasPrefix("https://127.0.0.1:"))
            var configuration = server.configuration()
            configuration.caFile = certificates.caCertificatePath
            configuration.serverName = "localhost"
            #expect(try await server.backend(configuration).reserve(owner, zone: "zone-b", family: .v4).cidr == "10.77.1.2/24")
            configuration.caFile = certificates.otherCACertificatePath
            do {
                _ = try await server.backend(configuration).reserve(owner, zone: "zone-b", family: .v4)
                Issue.record("a server signed by another CA was trusted")
            } catch IPAMError.invalidConfiguration(let message) {
                #expect(message.contains("caFile"))
            }
        }
    }

    @Test("a rotated token file is read again when NetBox refuses the old token")
    func rotatedToken() async throws {
        try await withTemporaryDirectory(prefix: "netbox-token") { directory in
            try await NetBoxTestServer.with { server in
                let file = try directory.write("ffffffffffffffffffffffffffffffffffffffff\n", to: "token")
                var configuration = server.configuration()
                configuration.credentials = .tokenFile(file)
                let backend = try NetBoxBackend(configuration: configuration, clusterID: "conformance", logger: Logger(label: "netbox-test"))
                await #expect(throws: IPAMError.self) { try await backend.reserve(owner, zone: "zone-b", family: .v4) }
                _ = try directory.write(NetBoxTestSeed.token.secret + "\n", to: "token")
                #expect(try await backend.reserve(owner, zone: "zone-b", family: .v4).cidr == "10.77.1.2/24")
            }
        }
    }
}
