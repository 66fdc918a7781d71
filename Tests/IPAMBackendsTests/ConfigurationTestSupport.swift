// Helpers for configuration tests: parse and return the problems as `path: message` lines.
import IPAMBackends
import IPAMCore
import Testing

/// The problems `yaml` produces, each as `path: message`, or an empty list if it parses.
func configurationProblems(_ yaml: String) -> [String] {
    do {
        _ = try OverlayConfiguration.parse(yaml: yaml)
        return []
    } catch {
        return error.problems.map(\.description)
    }
}

/// Parses `yaml`, recording the problems as a test failure if it does not parse.
func parseConfiguration(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> OverlayConfiguration {
    do {
        return try OverlayConfiguration.parse(yaml: yaml)
    } catch {
        Issue.record("configuration rejected:\n\(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// A valid local configuration with `zones` spliced in (indented under `zones:`).
func localConfiguration(zones: String, extra: String = "") -> String {
    """
    clusterID: test
    ipam:
      backend: local
      local:
        database: /tmp/ipam.db
    \(extra)
        zones:
    \(zones)
    """
}
