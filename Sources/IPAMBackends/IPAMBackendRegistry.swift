// The one list of IPAM backends this program knows; adding a backend adds one line here.
import IPAMCore
import IPAMLocalSQLite
import IPAMNetBox
import IPAMphpIPAM

/// Every backend the program can be configured with, in the order messages list them.
public enum IPAMBackendRegistry {
    /// The providers, each reading its own `ipam.<name>` section.
    public static let providers: [any IPAMBackendProvider] = [
        LocalIPAMProvider(),
        PhpIPAMProvider(),
        NetBoxProvider(),
    ]
}

extension OverlayConfiguration {
    /// Parses and validates a configuration document for the backends in ``IPAMBackendRegistry``.
    ///
    /// - Throws: `ConfigurationError` listing every problem found, each with its YAML path and what to do.
    public static func parse(yaml: String) throws(ConfigurationError) -> OverlayConfiguration {
        try parse(yaml: yaml, backends: IPAMBackendRegistry.providers)
    }
}
