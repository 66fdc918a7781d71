// Builds the IPAM backend the configuration selects; the operator and the CLI only see `any IPAMBackend`.

import IPAMCore
import Logging

/// Chooses and opens the IPAM backend named by the configuration.
public enum IPAMBackendFactory {
    /// Opens the backend `configuration.ipam` selects, for the cluster `configuration.clusterID`.
    ///
    /// - Throws: ``IPAMError/invalidConfiguration(_:)`` when the backend cannot work with the configuration,
    ///   ``IPAMError/backendUnavailable(_:)`` when its storage or server cannot be reached.
    public static func makeBackend(for configuration: OverlayConfiguration, logger: Logger) async throws -> any IPAMBackend {
        try await makeBackend(configuration.ipam, clusterID: configuration.clusterID, logger: logger)
    }

    /// Opens the backend `configuration` selects, for the cluster `clusterID`.
    public static func makeBackend(_ configuration: IPAMConfiguration, clusterID: String, logger: Logger) async throws
        -> any IPAMBackend
    {
        try await configuration.makeBackend(clusterID: clusterID, logger: logger)
    }
}
