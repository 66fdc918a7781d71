// Closed intervals of address offsets inside one subnet, and the set arithmetic the layout needs.

/// A closed interval `first...last` of address offsets within one subnet (offset 0 = network address).
///
/// Offsets are unsigned 64-bit so that every address of an IPv6 /64 has one; arithmetic here never
/// steps past `UInt64.max`.
struct OffsetInterval: Hashable, Sendable, CustomStringConvertible {
    /// The lowest offset in the interval.
    var first: UInt64
    /// The highest offset in the interval (inclusive).
    var last: UInt64

    /// The number of offsets in the interval (up to 2^64, hence the wider type).
    var count: UInt128 { UInt128(last) - UInt128(first) + 1 }

    /// Whether `offset` lies in the interval.
    func contains(_ offset: UInt64) -> Bool { first <= offset && offset <= last }

    /// `first-last`, or just `first` for a single offset.
    var description: String { first == last ? "\(first)" : "\(first)-\(last)" }
}

/// Interval arithmetic on sorted, disjoint, non-adjacent interval lists.
enum OffsetIntervals {
    /// `base` with every offset of `removed` taken out.
    ///
    /// `base` must be sorted and disjoint; `removed` may be in any order and may overlap.
    static func subtract(_ removed: [OffsetInterval], from base: [OffsetInterval]) -> [OffsetInterval] {
        let cuts = normalize(removed)
        var result: [OffsetInterval] = []
        var cutIndex = 0
        for interval in base {
            var start = interval.first
            // Skip cuts wholly below this interval.
            while cutIndex < cuts.count, cuts[cutIndex].last < interval.first { cutIndex += 1 }
            var index = cutIndex
            var remainderLeft = true
            while index < cuts.count, cuts[index].first <= interval.last {
                let cut = cuts[index]
                if cut.first > start { result.append(OffsetInterval(first: start, last: cut.first - 1)) }
                guard cut.last < UInt64.max else {
                    remainderLeft = false
                    break
                }
                start = max(start, cut.last + 1)
                index += 1
            }
            if remainderLeft, start <= interval.last { result.append(OffsetInterval(first: start, last: interval.last)) }
        }
        return result
    }

    /// The same offsets as `intervals`, sorted, with overlapping and adjacent intervals merged.
    static func normalize(_ intervals: [OffsetInterval]) -> [OffsetInterval] {
        let sorted = intervals.sorted { $0.first < $1.first }
        var result: [OffsetInterval] = []
        for interval in sorted {
            if let last = result.last, last.last == UInt64.max || interval.first <= last.last + 1 {
                result[result.count - 1].last = max(last.last, interval.last)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// Intervals covering exactly the given offsets (any order, duplicates allowed).
    static func covering(_ offsets: [UInt64]) -> [OffsetInterval] {
        normalize(offsets.map { OffsetInterval(first: $0, last: $0) })
    }

    /// Whether a sorted, disjoint list contains `offset` (binary search).
    static func contains(_ offset: UInt64, in intervals: [OffsetInterval]) -> Bool {
        var low = 0
        var high = intervals.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let interval = intervals[middle]
            if offset < interval.first {
                high = middle - 1
            } else if offset > interval.last {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// The total number of offsets, saturating at `Int.max` (a whole /64 has more).
    static func count(_ intervals: [OffsetInterval]) -> Int {
        let total = intervals.reduce(UInt128(0)) { $0 + $1.count }  // at most 2^64 offsets per subnet: no overflow
        return Int(exactly: total) ?? Int.max
    }
}
