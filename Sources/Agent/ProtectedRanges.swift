// The address ranges a StaticRoute must never cover, each with the reason a refusal reports.
import IPAddressing
import Netlink

/// One range the agent refuses to route over, and why.
public struct ProtectedRange: Sendable, Hashable {
    /// The protected prefix.
    public var prefix: IPPrefix
    /// Why it is protected, e.g. `the node's own subnet 10.0.0.0/24 on eth0`.
    public var reason: String

    /// Makes a protected range.
    public init(prefix: IPPrefix, reason: String) {
        self.prefix = prefix
        self.reason = reason
    }
}

/// Every range a route on this node must stay clear of, of both families: loopback, link-local and
/// multicast, the node's own subnets (addresses on interfaces other than the overlay device), the overlay
/// subnets, and the configured extra CIDRs (e.g. pod and service CIDRs). Default routes (`0.0.0.0/0`,
/// `::/0`) are refused separately.
public struct ProtectedRanges: Sendable, Hashable {
    /// The ranges, in the order they are checked.
    public private(set) var ranges: [ProtectedRange]

    /// The ranges that are protected on every node.
    public static let builtIn: [ProtectedRange] = [
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("224.0.0.0/4", "multicast"),
        ("::1/128", "loopback"), ("fe80::/10", "link-local"), ("ff00::/8", "multicast"),
    ].compactMap { text, reason in IPPrefix(text).map { ProtectedRange(prefix: $0, reason: "the \(reason) range \($0)") } }

    /// Builds the protected ranges of a node.
    /// - Parameters:
    ///   - kernel: the namespace's links and addresses; every address not on `overlayDevice` adds its subnet.
    ///   - overlayDevice: the overlay device's name (its addresses are ours, not the node's).
    ///   - overlaySubnets: the overlay subnets, one per family of the node.
    ///   - extra: the configured CIDRs (`--protected-cidrs`).
    public init(kernel: KernelSnapshot, overlayDevice: String, overlaySubnets: [IPPrefix], extra: [IPPrefix]) {
        var ranges = Self.builtIn
        let deviceIndex = kernel.link(named: overlayDevice)?.index
        for address in kernel.addresses where address.interfaceIndex != deviceIndex {
            guard let subnet = address.subnet, !ranges.contains(where: { $0.prefix.contains(subnet) }) else { continue }
            let name = kernel.link(index: address.interfaceIndex)?.name ?? "#\(address.interfaceIndex)"
            ranges.append(ProtectedRange(prefix: subnet, reason: "the node's own subnet \(subnet) on \(name)"))
        }
        for overlaySubnet in overlaySubnets {
            ranges.append(ProtectedRange(prefix: overlaySubnet, reason: "the overlay subnet \(overlaySubnet)"))
        }
        for prefix in extra {
            ranges.append(ProtectedRange(prefix: prefix, reason: "the protected range \(prefix) (--protected-cidrs)"))
        }
        self.ranges = ranges
    }

    /// Why routing `destination` is refused, or `nil` when it is allowed.
    public func refusal(of destination: IPPrefix) -> String? {
        if destination.length == 0 {
            return "\(destination) is a default route; the agent never replaces the node's default route"
        }
        guard let range = ranges.first(where: { $0.prefix.overlaps(destination) }) else { return nil }
        return "\(destination) overlaps \(range.reason); the agent refuses routes over protected ranges"
    }
}
