// The IFA_F_* flags of an interface address: set on requests (no DAD) and reported by the kernel (tentative, …).
import CNetlink

/// The flags of an ``InterfaceAddress`` (`IFA_F_*` in `<linux/if_addr.h>`, sent and read as the `IFA_FLAGS`
/// attribute, which extends the 8-bit `ifa_flags` field).
///
/// On a request only some flags mean anything: for IPv6 the kernel keeps ``noDuplicateAddressDetection``,
/// ``noPrefixRoute`` and ``optimistic`` (among a few others) and ignores the rest; IPv4 ignores them all but
/// ``noPrefixRoute``. The state flags (``tentative``, ``duplicateAddressDetectionFailed``, ``permanent``, …)
/// are what the kernel reports.
public struct InterfaceAddressFlags: OptionSet, Sendable, Hashable, CustomStringConvertible {
    /// The `IFA_F_*` bits.
    public var rawValue: UInt32
    /// Creates a set from its bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `IFA_F_SECONDARY` (IPv4: not the first address of its subnet on the link; IPv6: a temporary address).
    public static let secondary = InterfaceAddressFlags(rawValue: UInt32(IFA_F_SECONDARY))
    /// `IFA_F_NODAD`: usable at once, without IPv6 duplicate address detection.
    public static let noDuplicateAddressDetection = InterfaceAddressFlags(rawValue: UInt32(IFA_F_NODAD))
    /// `IFA_F_OPTIMISTIC`: IPv6 optimistic DAD (usable while detection runs).
    public static let optimistic = InterfaceAddressFlags(rawValue: UInt32(IFA_F_OPTIMISTIC))
    /// `IFA_F_DADFAILED`: IPv6 duplicate address detection found the address in use; the kernel does not use it.
    public static let duplicateAddressDetectionFailed = InterfaceAddressFlags(rawValue: UInt32(IFA_F_DADFAILED))
    /// `IFA_F_DEPRECATED`: an IPv6 address past its preferred lifetime.
    public static let deprecated = InterfaceAddressFlags(rawValue: UInt32(IFA_F_DEPRECATED))
    /// `IFA_F_TENTATIVE`: IPv6 duplicate address detection has not finished; the address is not used yet.
    public static let tentative = InterfaceAddressFlags(rawValue: UInt32(IFA_F_TENTATIVE))
    /// `IFA_F_PERMANENT`: configured by hand (or by us), not learnt from router advertisements.
    public static let permanent = InterfaceAddressFlags(rawValue: UInt32(IFA_F_PERMANENT))
    /// `IFA_F_NOPREFIXROUTE`: the kernel adds no connected route for the address's prefix.
    public static let noPrefixRoute = InterfaceAddressFlags(rawValue: UInt32(IFA_F_NOPREFIXROUTE))

    /// The flags a request may carry (what the kernel honours on `RTM_NEWADDR`); the others are state.
    static let requestable: InterfaceAddressFlags = [.noDuplicateAddressDetection, .optimistic, .noPrefixRoute]

    /// Whether the kernel is still checking or has rejected the address (IPv6 DAD): not usable.
    public var isUnusable: Bool { !isDisjoint(with: [.tentative, .duplicateAddressDetectionFailed]) }

    /// `nodad permanent`, in `ip addr` words and order of bits; empty for no flags.
    public var description: String {
        let names: [(InterfaceAddressFlags, String)] = [
            (.secondary, "secondary"), (.noDuplicateAddressDetection, "nodad"), (.optimistic, "optimistic"),
            (.duplicateAddressDetectionFailed, "dadfailed"), (.deprecated, "deprecated"), (.tentative, "tentative"),
            (.permanent, "permanent"), (.noPrefixRoute, "noprefixroute"),
        ]
        return names.filter { contains($0.0) }.map(\.1).joined(separator: " ")
    }
}
