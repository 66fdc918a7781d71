// Plugs the phpIPAM backend into the configuration schema (`ipam.phpipam`, or the original `phpIPAM:`) and the factory.
import IPAMCore
import Logging

/// The phpIPAM backend's entry in the configuration schema: `ipam.backend: phpipam` with an `ipam.phpipam`
/// section, or the original project's top-level `phpIPAM` section.
public struct PhpIPAMProvider: IPAMBackendProvider {
    /// Creates the provider.
    public init() {}

    public var name: String { "phpipam" }
    public var requiredSettings: String { "url, appID, credentials and subnetMap" }
    public var legacySectionKey: String? { "phpIPAM" }

    public func parseSection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)? {
        var parser = PhpIPAMConfigurationParser(reader: reader)
        defer { reader = parser.reader }
        return parser.parseSection(section)
    }

    public func parseLegacySection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)? {
        var parser = PhpIPAMConfigurationParser(reader: reader)
        defer { reader = parser.reader }
        return parser.parseLegacySection(section)
    }
}

extension PhpIPAMConfiguration: IPAMBackendSettings {
    public var backendName: String { "phpipam" }

    public var zoneNames: [String] { subnetMap.map(\.zone) }

    public var summary: String { "phpipam backend" }

    /// `zone dal10: phpIPAM subnets 8 then 7 (tried in this order within each family); address families read
    /// from phpIPAM at start (dual-stack when it has both)`: the ids are all the configuration knows.
    public var zoneDescriptions: [String] {
        subnetMap.map { entry in
            let ids = entry.subnetIDs.map(String.init).joined(separator: " then ")
            let subnets = entry.subnetIDs.count == 1 ? "subnet \(ids)" : "subnets \(ids) (tried in this order within each family)"
            return "zone \(entry.zone): phpIPAM \(subnets); address families read from phpIPAM at start (dual-stack when it has both)"
        }
    }

    public func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend {
        try await PhpIPAMBackend(configuration: self, clusterID: clusterID, logger: logger)
    }
}

extension IPAMConfiguration {
    /// The phpIPAM backend with `configuration`.
    public static func phpipam(_ configuration: PhpIPAMConfiguration) -> IPAMConfiguration {
        IPAMConfiguration(configuration)
    }
}
