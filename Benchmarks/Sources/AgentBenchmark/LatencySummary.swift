// p50 / p90 / p99 / max of a set of measured durations (nearest rank), and their printing in milliseconds.
import Foundation

/// The percentiles of some samples by nearest rank: the smallest sample that at least that share of the
/// samples does not exceed (so with fewer than 100 samples p99 is the largest one).
struct LatencySummary {
    var count: Int
    var p50: Duration
    var p90: Duration
    var p99: Duration
    var max: Duration

    /// Summarises `samples`; `nil` when there are none.
    init?(_ samples: [Duration]) {
        let sorted = samples.sorted()
        guard let largest = sorted.last else { return nil }
        func rank(_ share: Double) -> Duration {
            sorted[Swift.max(Int((share * Double(sorted.count)).rounded(.up)) - 1, 0)]
        }
        count = sorted.count
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = largest
    }

    /// `  p50 …  p90 …  p99 …  max …` in milliseconds, in fixed-width columns.
    var columns: String {
        [p50, p90, p99, max].map { Self.milliseconds($0) }.joined(separator: " ")
    }

    /// `  123.4 ms`.
    static func milliseconds(_ duration: Duration) -> String {
        let value = Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%8.1f ms", value)
    }
}
