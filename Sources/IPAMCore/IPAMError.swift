// The typed errors of every IPAM backend, each saying what is wrong and what to do.
import IPAddressing

/// Why an IPAM call failed.
public enum IPAMError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The zone has no subnets in the configuration.
    case unknownZone(String, known: [String])
    /// The zone has no subnet of the requested family; `families` are those it has.
    case familyNotInZone(zone: String, family: IPAddressFamily, families: [IPAddressFamily])
    /// Every subnet of the zone is full; `subnets` lists those tried, in order.
    case zoneExhausted(zone: String, subnets: [String])
    /// Another owner holds the address (`nil` when the backend cannot say who).
    case addressHeld(IPAddress, by: IPAMOwner?)
    /// No configured subnet contains the address.
    case addressOutsideZones(IPAddress)
    /// The backend could not be reached or failed transiently; retry later.
    case backendUnavailable(String)
    /// The backend refused the request permanently (bad app id, permissions, bad subnet id, …).
    case rejected(String)
    /// The configuration cannot work; the message names the YAML path.
    case invalidConfiguration(String)

    /// Whether retrying the same call later can succeed.
    public var isRetryable: Bool {
        switch self {
        case .backendUnavailable: true
        default: false
        }
    }

    /// One line saying what is wrong and what to do.
    public var description: String {
        switch self {
        case .unknownZone(let zone, let known):
            let list = known.isEmpty ? "none" : known.sorted().joined(separator: ", ")
            return "zone \(zone) has no subnets configured (configured zones: \(list)); add it to the IPAM configuration or fix the node's zone label"
        case .familyNotInZone(let zone, let family, let families):
            let list = families.map(\.description).joined(separator: ", ")
            return "zone \(zone) has no \(family) subnet (it has \(list.isEmpty ? "none" : list)); add one to the zone to make it dual-stack"
        case .zoneExhausted(let zone, let subnets):
            return "zone \(zone) has no free address in \(subnets.joined(separator: ", ")); add a subnet to the zone or release unused addresses"
        case .addressHeld(let address, let owner):
            let holder = owner.map { "by \($0)" } ?? "by another owner"
            return "\(address) is already held \(holder); release it there first"
        case .addressOutsideZones(let address):
            return "\(address) is in no configured subnet; add its subnet to the configuration"
        case .backendUnavailable(let cause):
            return "IPAM backend unavailable: \(cause); will retry"
        case .rejected(let cause):
            return "IPAM backend refused the request: \(cause)"
        case .invalidConfiguration(let cause):
            return "invalid IPAM configuration: \(cause)"
        }
    }
}
