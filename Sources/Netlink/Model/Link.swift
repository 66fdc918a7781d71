// A network interface as the kernel reports it, and the ways to name one in requests.

/// A network interface (an rtnetlink "link"): a veth, a macvlan, the loopback, ….
public struct Link: Sendable, Hashable, CustomStringConvertible {
    /// The interface index (`ifindex`), unique within the network namespace.
    public var index: Int32
    /// The interface name, e.g. `eth0` or `tmp0`.
    public var name: String
    /// The `IFF_*` flags word (`IFF_UP`, `IFF_LOWER_UP`, …).
    public var flags: UInt32
    /// The link kind from `IFLA_INFO_KIND` (`"veth"`, `"macvlan"`), `nil` for physical devices and loopback.
    public var kind: String?
    /// The index of the parent link (`IFLA_LINK`): the lower device of a macvlan, the peer of a veth.
    public var parentIndex: Int32?
    /// The MTU in bytes.
    public var mtu: UInt32?
    /// The hardware (MAC) address, empty when the link has none.
    public var hardwareAddress: [UInt8]

    /// Creates a link value; normally you get links from ``NetlinkContext`` rather than building them.
    public init(
        index: Int32, name: String, flags: UInt32 = 0, kind: String? = nil, parentIndex: Int32? = nil,
        mtu: UInt32? = nil, hardwareAddress: [UInt8] = []
    ) {
        self.index = index
        self.name = name
        self.flags = flags
        self.kind = kind
        self.parentIndex = parentIndex
        self.mtu = mtu
        self.hardwareAddress = hardwareAddress
    }

    /// Whether the link is administratively up (`IFF_UP`, what `set up` changes).
    public var isUp: Bool { flags & RTNL.interfaceUp != 0 }

    /// Whether the link has carrier (`IFF_LOWER_UP`).
    public var hasCarrier: Bool { flags & RTNL.interfaceLowerUp != 0 }

    /// `name (#index)`.
    public var description: String { "\(name) (#\(index))" }
}

/// How a request names a link: by interface name or by index.
public enum LinkReference: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The link with this interface name.
    case name(String)
    /// The link with this interface index.
    case index(Int32)

    /// A string literal names a link by its interface name.
    public init(stringLiteral value: String) { self = .name(value) }

    /// The name, or `#index`.
    public var description: String {
        switch self {
        case .name(let name): name
        case .index(let index): "#\(index)"
        }
    }
}
