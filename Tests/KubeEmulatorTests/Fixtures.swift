// Shared fixtures: a sample CRD (cluster-scoped Widget with status, printer columns and validation) and object builders.
import KubeEmulator
import Testing

enum Fixtures {
    /// `widgets.example.com`: cluster-scoped, status subresource, short name `wd`, printer columns, schema rules.
    static let widgetCRD = """
        {
          "apiVersion": "apiextensions.k8s.io/v1",
          "kind": "CustomResourceDefinition",
          "metadata": {"name": "widgets.example.com"},
          "spec": {
            "group": "example.com",
            "scope": "Cluster",
            "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList", "shortNames": ["wd"]},
            "versions": [{
              "name": "v1", "served": true, "storage": true,
              "subresources": {"status": {}},
              "additionalPrinterColumns": [
                {"name": "Subnet", "type": "string", "jsonPath": ".spec.subnet"},
                {"name": "IP", "type": "string", "jsonPath": ".status.ipAddr"},
                {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\\"Ready\\")].status"},
                {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
              ],
              "schema": {"openAPIV3Schema": {
                "type": "object",
                "properties": {
                  "spec": {
                    "type": "object",
                    "required": ["subnet"],
                    "properties": {
                      "subnet": {"type": "string", "pattern": "^[0-9.]+/[0-9]+$",
                                 "x-kubernetes-validations": [{"rule": "isCIDR(self)", "message": "must be a CIDR"}]},
                      "gateway": {"type": "string", "format": "ipv4"},
                      "size": {"type": "integer", "minimum": 1, "maximum": 10},
                      "mode": {"type": "string", "enum": ["fast", "safe"], "default": "safe"},
                      "zone": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "zone is immutable"}]},
                      "tags": {"type": "array", "maxItems": 2, "items": {"type": "string", "maxLength": 5}},
                      "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
                    }
                  },
                  "status": {
                    "type": "object",
                    "properties": {
                      "ipAddr": {"type": "string"},
                      "observedGeneration": {"type": "integer"},
                      "conditions": {"type": "array", "items": {"type": "object",
                        "properties": {"type": {"type": "string"}, "status": {"type": "string"}}}}
                    }
                  }
                }
              }}
            }]
          }
        }
        """

    static let widgets = "/apis/example.com/v1/widgets"

    static func widget(_ name: String, subnet: String = "10.0.0.0/24", extra: [String: JSON] = [:]) -> JSON {
        var spec: [String: JSON] = ["subnet": .string(subnet)]
        for (key, value) in extra { spec[key] = value }
        return .object(["apiVersion": "example.com/v1", "kind": "Widget", "metadata": .object(["name": .string(name)]),
                        "spec": .object(spec)])
    }

    static func configMap(_ name: String, namespace: String = "default", labels: [String: String] = [:],
                          data: [String: String] = [:]) -> JSON {
        .object([
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": .object(["name": .string(name), "namespace": .string(namespace), "labels": .object(labels.mapValues(JSON.string))]),
            "data": .object(data.mapValues(JSON.string)),
        ])
    }

    /// Starts an emulator with the Widget CRD installed.
    static func emulatorWithWidgets(_ configuration: KubeEmulator.Configuration = .init()) async throws -> KubeEmulator {
        let emulator = try await KubeEmulator.start(configuration)
        try emulator.create(json: widgetCRD)
        return emulator
    }
}

extension JSON {
    var name: String? { self["metadata"]?["name"]?.stringValue }
    var resourceVersion: String? { self["metadata"]?["resourceVersion"]?.stringValue }
    var generation: Int64? { self["metadata"]?["generation"]?.intValue }
}

/// Runs `body` against a fresh emulator and always shuts it down.
func withEmulator(
    _ configuration: KubeEmulator.Configuration = .init(), widgets: Bool = true,
    _ body: (KubeEmulator, TestClient) async throws -> Void
) async throws {
    let emulator = widgets ? try await Fixtures.emulatorWithWidgets(configuration) : try await KubeEmulator.start(configuration)
    do {
        try await body(emulator, TestClient(emulator, token: configuration.tokens.first))
    } catch {
        await emulator.shutdown()
        throw error
    }
    await emulator.shutdown()
}
