// Plugs the NetBox backend into the configuration schema (`ipam.netbox`) and the backend factory.
import IPAMCore
import Logging

/// The NetBox backend's entry in the configuration schema: `ipam.backend: netbox` with an `ipam.netbox` section.
public struct NetBoxProvider: IPAMBackendProvider {
    /// Creates the provider.
    public init() {}

    public var name: String { "netbox" }
    public var requiredSettings: String { "url and prefixMap (and the token in NETBOX_TOKEN or credentials.tokenFile)" }

    public func parseSection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)? {
        var parser = NetBoxConfigurationParser(reader: reader)
        defer { reader = parser.reader }
        return parser.parseSection(section)
    }
}

extension NetBoxConfiguration: IPAMBackendSettings {
    public var backendName: String { "netbox" }

    public var zoneNames: [String] { prefixMap.map(\.zone) }

    public var summary: String {
        let prefixes = prefixMap.reduce(0) { $0 + $1.prefixes.count }
        return "netbox backend at \(url), \(prefixMap.count == 1 ? "1 zone" : "\(prefixMap.count) zones"), "
            + (prefixes == 1 ? "1 prefix" : "\(prefixes) prefixes")
    }

    public func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend {
        try NetBoxBackend(configuration: self, clusterID: clusterID, logger: logger)
    }
}

extension IPAMConfiguration {
    /// The NetBox backend with `configuration`.
    public static func netbox(_ configuration: NetBoxConfiguration) -> IPAMConfiguration {
        IPAMConfiguration(configuration)
    }
}
