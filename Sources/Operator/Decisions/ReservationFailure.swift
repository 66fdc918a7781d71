// Why a node has no address, as a condition reason and a message that says what to do.
import IPAMCore

/// Why the operator could not reserve (or re-claim) a node's address.
public struct ReservationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The PascalCase condition reason, e.g. `UnknownZone`.
    public var reason: String
    /// What is wrong and what to do.
    public var message: String

    /// Makes a failure with `reason` and `message`.
    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    /// The node has no zone label, so no subnet can be chosen.
    public static func missingZone(node: String) -> ReservationFailure {
        ReservationFailure(
            reason: "NoZone",
            message: "node \(node) has neither a topology.kubernetes.io/zone nor a failure-domain.beta.kubernetes.io/zone label; label the node with its zone")
    }

    /// The status records an address that is not an IP in CIDR form.
    public static func unreadableAddress(_ value: String) -> ReservationFailure {
        ReservationFailure(
            reason: "InvalidAddress",
            message: "status.ipAddr \"\(value)\" is not an address in CIDR form; delete the NodeOverlayIp to get a new address")
    }

    /// Classifies an error thrown by an IPAM backend.
    public init(ipamError error: any Error) {
        guard let error = error as? IPAMError else {
            self.init(reason: "IPAMFailed", message: "IPAM call failed: \(error); will retry")
            return
        }
        let reason =
            switch error {
            case .unknownZone: "UnknownZone"
            case .familyNotInZone: "FamilyNotInZone"
            case .zoneExhausted: "ZoneExhausted"
            case .addressHeld: "AddressConflict"
            case .addressOutsideZones: "AddressOutsideZones"
            case .backendUnavailable: "BackendUnavailable"
            case .rejected: "BackendRejected"
            case .invalidConfiguration: "InvalidConfiguration"
            }
        self.init(reason: reason, message: error.description)
    }

    public var description: String { "\(reason): \(message)" }
}
