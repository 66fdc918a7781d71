// How a backend module plugs into configuration parsing and the backend factory.
import Logging

/// The validated settings of one backend: its section of the configuration, ready to open the backend.
///
/// Each backend module defines its own type (for example the local SQLite backend's
/// `LocalIPAMConfiguration`); the rest of the program sees it through ``IPAMConfiguration``.
public protocol IPAMBackendSettings: Hashable, Sendable {
    /// The backend name as written in `ipam.backend`, e.g. `local`.
    var backendName: String { get }
    /// The configured zone names, in configuration order.
    var zoneNames: [String] { get }
    /// A short description for `overlay-ipam config validate`, e.g. `local backend at /var/lib/ipam.db, 1 zone, 2 subnets`.
    var summary: String { get }
    /// One line per zone for `overlay-ipam config validate`, in configuration order: its address families and
    /// the order its subnets are tried (see ``ZoneDescription``).
    var zoneDescriptions: [String] { get }

    /// Opens the backend for the cluster `clusterID`.
    ///
    /// - Throws: ``IPAMError/invalidConfiguration(_:)`` when the backend cannot work with the settings,
    ///   ``IPAMError/backendUnavailable(_:)`` when its storage or server cannot be reached.
    func makeBackend(clusterID: String, logger: Logger) async throws -> any IPAMBackend
}

extension IPAMBackendSettings {
    /// For backends that learn each subnet's family from their server: every zone says so.
    public var zoneDescriptions: [String] {
        var seen: Set<String> = []
        return zoneNames.filter { seen.insert($0).inserted }.map(ZoneDescription.readAtStart(zone:))
    }
}

/// A backend's entry in the configuration schema: its name and the parser of its section `ipam.<name>`.
///
/// The program lists every provider once (in `IPAMBackends`); ``OverlayConfiguration/parse(yaml:backends:)``
/// asks them to read their sections, so that adding a backend changes no other module.
public protocol IPAMBackendProvider: Sendable {
    /// The value of `ipam.backend` and the key of the backend's section under `ipam`, e.g. `phpipam`.
    var name: String { get }
    /// What the section must contain, for the hint when it is missing, e.g. `database and zones`.
    var requiredSettings: String { get }
    /// The top-level key of an original configuration shape this backend also reads (e.g. `phpIPAM`), if any.
    var legacySectionKey: String? { get }

    /// Reads and validates the section `ipam.<name>`, reporting every problem with its YAML path to `reader`.
    /// - Returns: The settings, or `nil` when the section has problems (all of them reported).
    func parseSection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)?

    /// Reads and validates the top-level ``legacySectionKey`` section; only called when that key is present.
    func parseLegacySection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)?
}

extension IPAMBackendProvider {
    /// No original configuration shape.
    public var legacySectionKey: String? { nil }

    /// Never called without a ``legacySectionKey``; reports the section as unsupported.
    public func parseLegacySection(_ section: YAMLValue, reader: inout YAMLReader) -> (any IPAMBackendSettings)? {
        reader.report(section.path, "the \(name) backend has no original configuration shape; configure it under ipam.\(name)")
        return nil
    }
}
