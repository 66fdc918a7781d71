// Builds PhpIPAMBackend instances pointed at a test's emulated phpIPAM.
import Foundation
import IPAMCore
import IPAMphpIPAM
import Logging
import PhpIPAMEmulator

extension EmulatorFixture {
    /// The example server's user, as `PHPIPAM_USERNAME`/`PHPIPAM_PASSWORD`.
    static let credentialsEnvironment = ["PHPIPAM_USERNAME": "iks", "PHPIPAM_PASSWORD": "iks-password"]

    /// A configuration for this server: app `iksnone` (plain HTTP allowed), credentials from the environment.
    func configuration(
        appID: String = "iksnone", subnetMap: [String: [Int]] = ["dal10": [8, 7]], zoneOrder: [String]? = nil,
        credentials: PhpIPAMCredentials = .environment, ownerField: String = "owner",
        requestTimeout: Duration = .seconds(5), caFile: String? = nil, insecureSkipTLSVerify: Bool = false
    ) -> PhpIPAMConfiguration {
        let zones = zoneOrder ?? subnetMap.keys.sorted()
        return PhpIPAMConfiguration(
            url: server.baseURL, appID: appID, credentials: credentials, caFile: caFile,
            insecureSkipTLSVerify: insecureSkipTLSVerify,
            subnetMap: zones.map { PhpIPAMZoneSubnets(zone: $0, subnetIDs: subnetMap[$0] ?? []) },
            requestTimeout: requestTimeout, ownerField: ownerField)
    }

    /// A backend for cluster `clusterID` on this server, sharing the emulator's manual clock.
    func backend(
        _ configuration: PhpIPAMConfiguration? = nil, clusterID: String = "cluster-a",
        environment: [String: String] = Self.credentialsEnvironment, logger: Logger = Logger(label: "phpipam-test")
    ) async throws -> PhpIPAMBackend {
        try await PhpIPAMBackend(
            configuration: configuration ?? self.configuration(), clusterID: clusterID, logger: logger,
            environment: environment, now: clock.source)
    }
}

/// Runs `body` and returns the `IPAMError` it threw, or nil when it threw nothing or something else.
func ipamError(_ body: () async throws -> Void) async -> IPAMError? {
    do {
        try await body()
        return nil
    } catch let error as IPAMError {
        return error
    } catch {
        return nil
    }
}
