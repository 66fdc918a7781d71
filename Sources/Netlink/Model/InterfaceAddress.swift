// An address assigned to an interface, with its prefix length.
import IPAddressing

/// An address on an interface, such as `192.168.100.4/24` on `tmp0` (what `ip addr` lists).
public struct InterfaceAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address itself (`IFA_LOCAL`), host bits included.
    public var address: IPAddress
    /// The prefix length of the connected subnet, e.g. 24.
    public var prefixLength: Int
    /// The index of the interface holding the address.
    public var interfaceIndex: Int32
    /// The `IFA_F_*` flags: on a request, e.g. ``InterfaceAddressFlags/noDuplicateAddressDetection``; as
    /// listed, what the kernel reports (e.g. ``InterfaceAddressFlags/permanent``, ``InterfaceAddressFlags/tentative``).
    public var flags: InterfaceAddressFlags

    /// Creates an address on the interface with index `interfaceIndex`.
    public init(address: IPAddress, prefixLength: Int, interfaceIndex: Int32, flags: InterfaceAddressFlags = []) {
        self.address = address
        self.prefixLength = prefixLength
        self.interfaceIndex = interfaceIndex
        self.flags = flags
    }

    /// Whether `other` is the same address on the same interface with the same prefix length, whatever
    /// the flags (a listed address carries state flags a request does not).
    public func isSameAssignment(as other: InterfaceAddress) -> Bool {
        address == other.address && prefixLength == other.prefixLength && interfaceIndex == other.interfaceIndex
    }

    /// The connected subnet, e.g. `192.168.100.0/24` for `192.168.100.4/24`.
    public var subnet: IPPrefix? { IPPrefix(containing: address, length: prefixLength) }

    /// `192.168.100.4/24`, the CIDR form the agent reports.
    public var cidr: String { "\(address)/\(prefixLength)" }

    /// `192.168.100.4/24 dev #3`, followed by the flags when there are any (`fd00::4/64 dev #3 nodad permanent`).
    public var description: String { flags.isEmpty ? "\(cidr) dev #\(interfaceIndex)" : "\(cidr) dev #\(interfaceIndex) \(flags)" }
}
