// Plugs the local SQLite backend into the configuration schema (`ipam.local`) and the backend factory.
import IPAMCore
import Logging

/// The local backend's entry in the configuration schema: `ipam.backend: local` with an `ipam.local` section.
public struct LocalIPAMProvider: IPAMBackendProvider {
    /// Creates the provider.
    public init() {}

    public var name: String { "local" }
    public var requiredSettings: String { "database and zones" }

    public func parseSection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)? {
        var parser = LocalIPAMConfigurationParser(reader: reader)
        defer { reader = parser.reader }
        return parser.parseSection(section)
    }
}

extension LocalIPAMConfiguration: IPAMBackendSettings {
    public var backendName: String { "local" }

    public var zoneNames: [String] { zones.map(\.name) }

    public var summary: String {
        let subnets = zones.reduce(0) { $0 + $1.subnets.count }
        return "local backend at \(database), \(Self.plural(zones.count, "zone")), \(Self.plural(subnets, "subnet"))"
    }

    public var zoneDescriptions: [String] {
        zones.map { ZoneDescription.line(zone: $0.name, subnets: $0.subnets.map(\.subnet)) }
    }

    public func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend {
        try await LocalSQLiteBackend(configuration: self, clusterID: clusterID, logger: logger)
    }

    private static func plural(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
}

extension IPAMConfiguration {
    /// The local backend with `configuration`.
    public static func local(_ configuration: LocalIPAMConfiguration) -> IPAMConfiguration {
        IPAMConfiguration(configuration)
    }
}
