// The whole configuration file: cluster id and the selected IPAM backend, parsed and validated from YAML.
import Logging
internal import YAML

/// The configuration shared by the operator and the `overlay-ipam` CLI, parsed from one YAML document.
///
/// Two shapes are accepted.
///
/// This project's schema:
/// ```yaml
/// clusterID: prod-dal              # required; marks this cluster's allocations in a shared IPAM
/// ipam:
///   backend: local                 # or phpipam; may be omitted when only one section is present
///   local:
///     database: /var/lib/overlay-ipam/ipam.db
///     releaseCooldown: 5m          # default 5m
///     zones:
///       dal10:
///         - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: ["192.168.100.2-192.168.100.9"]}
///   phpipam:
///     url: https://phpipam.example.com
///     appID: iks
///     credentials: {usernameFile: /etc/phpipam/username, passwordFile: /etc/phpipam/password}
///     subnetMap: {dal10: [7, 8]}
/// ```
///
/// The original project's ConfigMap shape, unchanged: a top-level `phpIPAM: {url, appID, subnetMap}`
/// with credentials from the `PHPIPAM_USERNAME` and `PHPIPAM_PASSWORD` environment variables. With it,
/// `clusterID` is optional and defaults to ``defaultClusterID``.
public struct OverlayConfiguration: Hashable, Sendable {
    /// The cluster id used when the original project's `phpIPAM:` shape gives none.
    public static let defaultClusterID = "default"

    /// Marks this cluster's allocations in an IPAM that several clusters share.
    public var clusterID: String
    /// The selected IPAM backend and its settings.
    public var ipam: IPAMConfiguration

    /// Creates a configuration. No validation happens here; ``parse(yaml:)`` validates.
    public init(clusterID: String, ipam: IPAMConfiguration) {
        self.clusterID = clusterID
        self.ipam = ipam
    }

    /// Parses and validates a configuration document (reading the file is the caller's job).
    ///
    /// - Parameters:
    ///   - yaml: The document.
    ///   - backends: Every backend the program knows; each reads and validates its own section
    ///     (`IPAMBackends` has the program's list and a `parse(yaml:)` that passes it).
    /// - Throws: ``ConfigurationError`` listing every problem found, each with its YAML path and what
    ///   to do; unknown keys are problems too, so that typos never pass silently.
    public static func parse(yaml: String, backends: [any IPAMBackendProvider]) throws(ConfigurationError)
        -> OverlayConfiguration
    {
        let root: YAMLNode?
        do {
            root = try YAMLNode.compose(yaml: yaml)
        } catch {
            throw ConfigurationError(problems: [ConfigurationProblem(path: "", message: Self.describeSyntaxError(error))])
        }
        guard let root else {
            throw ConfigurationError(problems: [ConfigurationProblem(
                path: "", message: "the configuration is empty; it needs clusterID and an ipam section")])
        }
        var parser = ConfigurationParser(backends: backends)
        let configuration = parser.parseDocument(YAMLValue(node: root, path: ""))
        guard parser.reader.problems.isEmpty, let configuration else {
            throw ConfigurationError(problems: parser.reader.problems)
        }
        return configuration
    }

    /// One line for a YAML syntax error, with its line and column.
    private static func describeSyntaxError(_ error: YAMLError) -> String {
        switch error.kind {
        case .scanner, .parser, .composer:
            return "YAML syntax error at line \(error.mark.line), column \(error.mark.column): \(error.problem)"
        case .duplicateKeys:
            let duplicates = error.duplicateKeys
            return "duplicate key\(duplicates.count == 1 ? "" : "s") \(duplicates.joined(separator: ", ")) in one mapping; keep only one"
        case .reader, .memory:
            return "the YAML cannot be read: " + error.description.split(separator: "\n").joined(separator: " ")
        }
    }
}

/// The selected IPAM backend with its validated settings (the section `ipam.<backend>`).
public struct IPAMConfiguration: Hashable, Sendable {
    /// The backend's own settings type, defined by its module.
    public var settings: any IPAMBackendSettings

    /// Wraps a backend's validated settings.
    public init(_ settings: any IPAMBackendSettings) {
        self.settings = settings
    }

    /// The configured zone names, in configuration order.
    public var zoneNames: [String] { settings.zoneNames }

    /// The backend name as written in `ipam.backend`.
    public var backendName: String { settings.backendName }

    /// A short description of the backend's settings, e.g. `phpipam backend`.
    public var summary: String { settings.summary }

    /// One line per zone saying which address families it serves and in which order its subnets are tried.
    public var zoneDescriptions: [String] { settings.zoneDescriptions }

    /// Opens the backend for the cluster `clusterID`, metered (``MeteredIPAMBackend``) under its `ipam.backend` name.
    public func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend {
        MeteredIPAMBackend(try await settings.makeBackend(clusterID: clusterID, logger: logger), name: backendName)
    }

    public static func == (lhs: IPAMConfiguration, rhs: IPAMConfiguration) -> Bool {
        AnyHashable(lhs.settings) == AnyHashable(rhs.settings)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(AnyHashable(settings))
    }
}
