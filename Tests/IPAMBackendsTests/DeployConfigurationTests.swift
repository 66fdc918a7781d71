// The configurations shipped in the deploy overlays are valid for the backends they name.
import Foundation
import IPAMBackends
import IPAMCore
import Testing

@Suite("Deploy overlay configurations")
struct DeployConfigurationTests {
    /// The repository root, from this file's path (Tests/IPAMBackendsTests/…).
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("each overlay's config.yaml parses and selects its backend", arguments: [
        ("local", "local"), ("phpipam", "phpipam"), ("netbox", "netbox"),
    ])
    func overlayConfiguration(overlay: String, backend: String) throws {
        let path = Self.repositoryRoot.appendingPathComponent("deploy/overlays/\(overlay)/config.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let configuration = try parseConfiguration(text)
        #expect(configuration.ipam.backendName == backend)
    }
}
