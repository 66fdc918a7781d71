// Allocations the original controller left in the IPAM, and how a backend takes them over in place.
import FoundationExtras
import IPAddressing

/// An address that a previous controller (the original Go `iks-overlay-ip-controller`) reserved and that
/// is not marked as any cluster's allocation yet.
///
/// The original wrote only an owner text (`<node>\n`, the newline included, because it sent an untyped
/// body) and no hostname. Such a row is adopted when its owner names a node whose NodeOverlayIp records
/// the same address; rows that match only partly are reported and never touched.
public struct LegacyAllocation: Hashable, Sendable, Codable {
    /// The reserved address.
    public var address: IPAddress
    /// The configured subnet holding it.
    public var subnet: IPPrefix
    /// The zone whose subnet list contains the subnet (the first, when several zones share it).
    public var zone: String
    /// The owner text exactly as stored, e.g. `"worker-1\n"`.
    public var recordedOwner: String
    /// Where the record lives in the backend, for people, e.g. `phpIPAM address 15`.
    public var location: String

    /// Creates a record.
    public init(address: IPAddress, subnet: IPPrefix, zone: String, recordedOwner: String, location: String) {
        self.address = address
        self.subnet = subnet
        self.zone = zone
        self.recordedOwner = recordedOwner
        self.location = location
    }

    /// The node the record names: the owner text without surrounding whitespace.
    public var nodeName: String { Self.nodeName(fromRecordedOwner: recordedOwner) }

    /// `recordedOwner` without leading and trailing whitespace (spaces, tabs, CR, LF).
    public static func nodeName(fromRecordedOwner text: String) -> String {
        text.trimmingWhitespaceAndNewlines()
    }

    /// Whether the record may be adopted for `nodeName` whose NodeOverlayIp records `recordedAddress`:
    /// the trimmed owner is the node name and the address is the recorded one.
    public func isAdoptable(byNode nodeName: String, recording recordedAddress: IPAddress?) -> Bool {
        !nodeName.isEmpty && self.nodeName == nodeName && recordedAddress == address
    }
}

/// An allocation a backend took over from a previous controller, re-marked in place for this cluster.
public struct AdoptedAllocation: Hashable, Sendable {
    /// The allocation as this cluster now holds it (same address as before).
    public var allocation: IPAllocation
    /// The owner text the record carried before, e.g. `"worker-1\n"`.
    public var previousOwner: String
    /// Where the record lives in the backend, e.g. `phpIPAM address 15`.
    public var location: String

    /// Creates a record.
    public init(allocation: IPAllocation, previousOwner: String, location: String) {
        self.allocation = allocation
        self.previousOwner = previousOwner
        self.location = location
    }
}

extension IPAMBackend {
    /// Backends without records of a previous controller adopt nothing.
    public func adoptLegacyAllocation(_ owner: IPAMOwner, address: IPAddress) async throws -> AdoptedAllocation? { nil }

    /// Backends without records of a previous controller have none to list.
    public func legacyAllocations() async throws -> [LegacyAllocation] { [] }
}
