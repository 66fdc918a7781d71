// Closed intervals of address offsets inside one subnet, and the set arithmetic the layout needs.

/// A closed interval `first...last` of address offsets within one subnet (offset 0 = network address).
struct OffsetInterval: Hashable, Sendable, CustomStringConvertible {
    /// The lowest offset in the interval.
    var first: Int
    /// The highest offset in the interval (inclusive).
    var last: Int

    /// The number of offsets in the interval.
    var count: Int { last - first + 1 }

    /// Whether `offset` lies in the interval.
    func contains(_ offset: Int) -> Bool { first <= offset && offset <= last }

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
            while index < cuts.count, cuts[index].first <= interval.last {
                let cut = cuts[index]
                if cut.first > start { result.append(OffsetInterval(first: start, last: cut.first - 1)) }
                start = max(start, cut.last + 1)
                index += 1
            }
            if start <= interval.last { result.append(OffsetInterval(first: start, last: interval.last)) }
        }
        return result
    }

    /// The same offsets as `intervals`, sorted, with overlapping and adjacent intervals merged.
    static func normalize(_ intervals: [OffsetInterval]) -> [OffsetInterval] {
        let sorted = intervals.sorted { $0.first < $1.first }
        var result: [OffsetInterval] = []
        for interval in sorted {
            if let last = result.last, interval.first <= last.last + 1 {
                result[result.count - 1].last = max(last.last, interval.last)
            } else {
                result.append(interval)
            }
        }
        return result
    }

    /// Intervals covering exactly the given offsets (any order, duplicates allowed).
    static func covering(_ offsets: [Int]) -> [OffsetInterval] {
        normalize(offsets.map { OffsetInterval(first: $0, last: $0) })
    }

    /// Whether a sorted, disjoint list contains `offset` (binary search).
    static func contains(_ offset: Int, in intervals: [OffsetInterval]) -> Bool {
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

    /// The total number of offsets, saturating at `Int.max`.
    static func count(_ intervals: [OffsetInterval]) -> Int {
        intervals.reduce(0) { total, interval in
            let (sum, overflow) = total.addingReportingOverflow(interval.count)
            return overflow ? Int.max : sum
        }
    }
}
