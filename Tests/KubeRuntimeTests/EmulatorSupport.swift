// Helpers for the over-HTTP tests: a ConfigMap type and a client bound to a fresh KubeEmulator.
import KubeClient
import KubeEmulator

/// A core/v1 ConfigMap (the fields these tests use).
struct ConfigMap: KubernetesObject, Equatable {
    static let resource = ResourceDescriptor(
        group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, hasStatusSubresource: false)
    var metadata: ObjectMeta
    var data: [String: String]?

    init(_ name: String, namespace: String = "default", data: [String: String]? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        self.data = data
    }

    private enum CodingKeys: String, CodingKey { case metadata, data }

    func encode(to encoder: any Encoder) throws {
        try encodeTypeMeta(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(data, forKey: .data)
    }
}

/// Runs `body` against a fresh emulator on an ephemeral loopback port, then shuts it down.
func withEmulator(
    _ configuration: KubeEmulator.Configuration = .init(), _ body: (KubeEmulator, KubeClient) async throws -> Void
) async throws {
    let emulator = try await KubeEmulator.start(configuration)
    let client = KubeClient(configuration: KubeConfiguration(server: emulator.url), options: KubeClient.Options(rateLimited: false))
    do {
        try await body(emulator, client)
    } catch {
        await emulator.shutdown()
        throw error
    }
    await emulator.shutdown()
}
