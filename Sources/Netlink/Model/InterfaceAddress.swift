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

    /// Creates an address on the interface with index `interfaceIndex`.
    public init(address: IPAddress, prefixLength: Int, interfaceIndex: Int32) {
        self.address = address
        self.prefixLength = prefixLength
        self.interfaceIndex = interfaceIndex
    }

    /// The connected subnet, e.g. `192.168.100.0/24` for `192.168.100.4/24`.
    public var subnet: IPPrefix? { IPPrefix(containing: address, length: prefixLength) }

    /// `192.168.100.4/24`, the CIDR form the agent reports.
    public var cidr: String { "\(address)/\(prefixLength)" }

    /// `192.168.100.4/24 dev #3`.
    public var description: String { "\(cidr) dev #\(interfaceIndex)" }
}
