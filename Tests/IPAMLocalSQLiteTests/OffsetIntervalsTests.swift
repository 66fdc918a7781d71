// The pure interval arithmetic and subnet layouts behind the free-range table.

import IPAddressing
import IPAMCore
@testable import IPAMLocalSQLite
import Testing

@Suite("Offset intervals and subnet layouts")
struct OffsetIntervalsTests {
    private func intervals(_ pairs: [(Int, Int)]) -> [OffsetInterval] {
        pairs.map { OffsetInterval(first: $0.0, last: $0.1) }
    }

    @Test("subtracting cuts holes, trims ends and drops covered intervals")
    func subtract() {
        let base = intervals([(1, 10), (20, 30), (40, 40)])
        let removed = intervals([(5, 6), (1, 1), (25, 45), (6, 7)])
        #expect(OffsetIntervals.subtract(removed, from: base) == intervals([(2, 4), (8, 10), (20, 24)]))
    }

    @Test("normalizing merges overlapping and adjacent intervals")
    func normalize() {
        #expect(OffsetIntervals.normalize(intervals([(5, 6), (1, 3), (4, 4), (10, 12), (11, 11)])) == intervals([(1, 6), (10, 12)]))
        #expect(OffsetIntervals.covering([7, 3, 4, 9, 3]) == intervals([(3, 4), (7, 7), (9, 9)]))
    }

    @Test("membership is found by binary search")
    func contains() {
        let list = intervals([(2, 4), (8, 10), (20, 24)])
        #expect([2, 4, 9, 20, 24].allSatisfy { OffsetIntervals.contains($0, in: list) })
        #expect(![0, 1, 5, 7, 11, 19, 25].contains { OffsetIntervals.contains($0, in: list) })
    }

    @Test("an IPv4 layout excludes network, broadcast, gateway and reserved ranges")
    func ipv4Layout() throws {
        let layout = SubnetLayout(
            zone: "z", position: 0, prefix: try #require(IPPrefix("10.0.0.0/24")), gateway: try #require(IPAddress("10.0.0.1")),
            reserved: [try #require(IPRange("10.0.0.2-10.0.0.9")), try #require(IPRange("10.0.0.100"))])
        #expect(layout.assignable == intervals([(10, 99), (101, 254)]))
        #expect(layout.assignableCount == 244)
        #expect(layout.fingerprint == "10-99,101-254")
    }

    @Test("a huge IPv6 layout is cut at the largest tracked offset")
    func ipv6Layout() throws {
        let layout = SubnetLayout(
            zone: "z", position: 0, prefix: try #require(IPPrefix("fd00::/64")), gateway: try #require(IPAddress("fd00::1")),
            reserved: [])
        #expect(layout.assignable == intervals([(2, SubnetLayout.maximumOffset)]))
    }
}
