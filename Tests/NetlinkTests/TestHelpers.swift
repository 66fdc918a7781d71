// Small helpers the Netlink tests share: address parsing and awaiting an event with a deadline.
import IPAddressing
import Netlink
import Testing
import TestSupport

/// Parses an address literal for a test.
func address(_ text: String) throws -> IPAddress { try IPAddress(parsing: text) }

/// Parses a prefix literal for a test.
func prefix(_ text: String) throws -> IPPrefix { try IPPrefix(parsing: text) }

/// The comment shown when namespace tests are skipped.
let namespaceRequirement: Comment = "needs root and `ip netns` (CAP_SYS_ADMIN, CAP_NET_ADMIN) to create a throwaway network namespace"

/// The first event of `events` matching `predicate`, or `nil` if none arrives within `deadline`.
/// The deadline only bounds a failing test; a passing one returns as soon as the event arrives.
func firstEvent(
    in events: NetlinkEventStream, within deadline: Duration = .seconds(10),
    where predicate: @escaping @Sendable (NetlinkEvent) -> Bool
) async throws -> NetlinkEvent? {
    try await withThrowingTaskGroup(of: NetlinkEvent?.self) { group in
        group.addTask {
            for try await event in events where predicate(event) { return event }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: deadline)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
}

/// Enables IPv6 in the namespace and puts `fd00:100::2/64` on its host NIC without duplicate address
/// detection (usable at once, so `fd00:100::1` is an on-link gateway); returns the host NIC.
func hostNICWithIPv6(_ netlink: NetlinkContext, in namespace: TestNetworkNamespace) async throws -> Link {
    try await namespace.enableIPv6()
    let host = try #require(try await netlink.link(named: namespace.hostInterface))
    try await netlink.addAddress(
        InterfaceAddress(address: try address("fd00:100::2"), prefixLength: 64, interfaceIndex: host.index, flags: .noDuplicateAddressDetection))
    return host
}
