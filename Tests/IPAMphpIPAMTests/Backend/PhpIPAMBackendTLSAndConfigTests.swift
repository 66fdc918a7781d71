// The phpIPAM backend over TLS with a CA file, with the original project's configuration shape, and its logs.
import Foundation
import IPAddressing
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator
import TestSupport
import Testing

@Suite("phpIPAM backend: TLS, configuration shapes and logs")
struct PhpIPAMBackendTLSAndConfigTests {
    let owner = IPAMOwner(clusterID: "cluster-a", nodeName: "node-1")

    private func serverTLS() async throws -> (PhpIPAMServer.TLS, TLSTestCertificates) {
        let certificates = try await TLSTestCertificates.shared()
        let chain = try Array(Data(contentsOf: URL(fileURLWithPath: certificates.serverCertificatePath)))
        let key = try Array(Data(contentsOf: URL(fileURLWithPath: certificates.serverKeyPath)))
        return (PhpIPAMServer.TLS(certificateChainPEM: chain, privateKeyPEM: key), certificates)
    }

    @Test("an ssl_token app over TLS works with the CA file and fails as a configuration error without it")
    func tlsWithCAFile() async throws {
        let (tls, certificates) = try await serverTLS()
        try await EmulatorFixture.with(tls: tls, clientTLS: .init(certificateAuthority: .file(certificates.caCertificatePath))) { fixture async throws in
            #expect(fixture.server.baseURL.hasPrefix("https://"))
            let trusted = try await fixture.backend(fixture.configuration(appID: "iks", caFile: certificates.caCertificatePath))
            #expect(try await trusted.reserve(owner, zone: "dal10", family: .v4).address == IPAddress("192.168.101.2"))
            let untrusted = try await fixture.backend(fixture.configuration(appID: "iks", caFile: certificates.otherCACertificatePath))
            let error = await ipamError { _ = try await untrusted.reserve(owner, zone: "dal10", family: .v4) }
            guard case .invalidConfiguration(let message) = error else {
                Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                return
            }
            #expect(message.contains("caFile"))
        }
    }

    @Test("insecureSkipTLSVerify works without a CA and is logged as a warning at start")
    func insecureSkipVerify() async throws {
        let (tls, _) = try await serverTLS()
        try await EmulatorFixture.with(tls: tls, clientTLS: .init(insecureSkipVerify: true)) { fixture async throws in
            let logs = CapturedLogs()
            let backend = try await fixture.backend(fixture.configuration(appID: "iks", insecureSkipTLSVerify: true), logger: logs.logger())
            #expect(logs.all.contains { $0.level == .warning && $0.text.contains("insecureSkipTLSVerify") })
            #expect(try await backend.reserve(owner, zone: "dal10", family: .v4).zone == "dal10")
        }
    }

    @Test("neither the password nor the token ever reaches the logs, even at trace level")
    func secretsNotLogged() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let logs = CapturedLogs()
            let backend = try await fixture.backend(logger: logs.logger())
            _ = try await backend.reserve(owner, zone: "dal10", family: .v4)
            await fixture.emulator.expireAllTokens()
            _ = try await backend.reserve(IPAMOwner(clusterID: "cluster-a", nodeName: "node-2"), zone: "dal10", family: .v4)
            try await backend.release(owner)
            let login = try await fixture.call(.post, "/api/iksnone/user/", headers: [EmulatorFixture.basic("iks", "iks-password")])
            let token = try #require(login.data?["token"]?.string)
            #expect(!logs.all.isEmpty)
            #expect(!logs.all.contains { $0.text.contains("iks-password") || $0.text.contains(token) })
        }
    }

    @Test("the original project's ConfigMap shape (phpIPAM: url, appID, subnetMap + PHPIPAM_* env) works unchanged")
    func originalConfigurationShape() async throws {
        try await EmulatorFixture.with { fixture async throws in
            let yaml = """
                phpIPAM:
                  url: \(fixture.server.baseURL)
                  appID: iksnone
                  subnetMap:
                    dal10: [8]
                    dal12: [7]
                """
            let parsed = try OverlayConfiguration.parse(yaml: yaml, backends: [PhpIPAMProvider()])
            guard let configuration = parsed.ipam.settings as? PhpIPAMConfiguration else {
                Issue.record("the original shape did not select the phpIPAM backend: \(parsed.ipam)")
                return
            }
            let backend = try await PhpIPAMBackend(
                configuration: configuration, clusterID: parsed.clusterID, logger: Logger(label: "test"),
                environment: EmulatorFixture.credentialsEnvironment)
            let nodeOwner = IPAMOwner(clusterID: parsed.clusterID, nodeName: "kube-dal10-worker-1")
            let allocation = try await backend.reserve(nodeOwner, zone: "dal10", family: .v4)
            #expect(allocation.cidr == "192.168.101.2/28")
            #expect(try await backend.allocations() == [allocation])
        }
    }
}
