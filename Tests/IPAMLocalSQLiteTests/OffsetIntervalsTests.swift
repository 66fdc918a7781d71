// The pure interval arithmetic and subnet layouts behind the free-range table.

import IPAddressing
import IPAMCore
@testable import IPAMLocalSQLite
import Testing

@Suite("Offset intervals and subnet layouts")
struct OffsetIntervalsTests {
    private func intervals(_ pairs: [(UInt64, UInt64)]) -> [OffsetInterval] {
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

    @Test("a /64 layout covers every offset up to 2^64 - 1 without overflowing")
    func ipv6Layout() throws {
        let layout = SubnetLayout(
            zone: "z", position: 0, prefix: try #require(IPPrefix("fd00::/64")), gateway: try #require(IPAddress("fd00::1")),
            reserved: [try #require(IPRange("fd00::ffff:ffff:ffff:fff0-fd00::ffff:ffff:ffff:fffd"))])
        #expect(layout.assignable == intervals([(2, UInt64.max - 16), (UInt64.max - 1, UInt64.max)]))
        #expect(layout.assignableCount == Int.max)
        #expect(layout.isAssignable(offset: UInt64.max))
        #expect(layout.address(atOffset: UInt64.max)?.description == "fd00::ffff:ffff:ffff:ffff")
        #expect(layout.offset(of: try #require(IPAddress("fd00::ffff:ffff:ffff:fffe"))) == UInt64.max - 1)
        #expect(!layout.isAssignable(offset: 0), "the subnet-router anycast address is never handed out")
    }

    @Test("interval arithmetic at the top of the offset range does not overflow")
    func topOfRange() {
        let all = intervals([(1, UInt64.max)])
        #expect(OffsetIntervals.count(all) == Int.max)
        #expect(all[0].count == UInt128(UInt64.max))
        #expect(OffsetIntervals.subtract(intervals([(UInt64.max - 1, UInt64.max)]), from: all) == intervals([(1, UInt64.max - 2)]))
        #expect(OffsetIntervals.subtract(intervals([(5, UInt64.max)]), from: all) == intervals([(1, 4)]))
        #expect(OffsetIntervals.normalize(intervals([(UInt64.max, UInt64.max), (3, UInt64.max), (1, 2)])) == intervals([(1, UInt64.max)]))
        #expect(OffsetIntervals.covering([UInt64.max, UInt64.max - 1]) == intervals([(UInt64.max - 1, UInt64.max)]))
    }

    @Test("stored offsets keep their order in SQLite's signed integers")
    func storedOffsets() {
        let offsets: [UInt64] = [0, 1, 254, 1 << 62, (1 << 63) - 1, 1 << 63, UInt64.max - 1, UInt64.max]
        let stored = offsets.map(StoredOffset.encode)
        #expect(stored == stored.sorted())
        #expect(stored.first == Int64.min && stored.last == Int64.max)
        #expect(stored.map(StoredOffset.decode) == offsets)
    }
}
