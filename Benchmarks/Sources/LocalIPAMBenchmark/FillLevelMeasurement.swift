// Per-reservation timings at one fill level, and the statistics the table prints (pure).

/// The timings of the reservations made while a subnet was at one fill level.
struct FillLevelMeasurement: Sendable {
    /// The fill level the window starts at, in percent of the assignable addresses.
    var percent: Int
    /// How many addresses were held when the window started.
    var heldBefore: Int
    /// The duration of each reservation in the window.
    var samples: [Duration]

    /// Reservations per second over the whole window.
    var reservationsPerSecond: Double {
        let total = samples.reduce(Duration.zero, +)
        return total == .zero ? 0 : Double(samples.count) / total.seconds
    }

    /// The mean cost of one reservation, in microseconds.
    var meanMicroseconds: Double { samples.isEmpty ? 0 : samples.reduce(Duration.zero, +).microseconds / Double(samples.count) }

    /// The `fraction` quantile (0.5 = median) of the reservation cost, in microseconds.
    func quantileMicroseconds(_ fraction: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let index = min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))
        return sorted[index].microseconds
    }
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// The duration in microseconds, as a floating-point number.
    var microseconds: Double { seconds * 1e6 }
}
