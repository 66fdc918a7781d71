// Conversions between `Duration` and floating-point seconds, rounded to whole nanoseconds.

extension Duration {
    /// The duration as floating-point seconds.
    var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A duration of `seconds`, rounded to whole nanoseconds so equal inputs compare equal.
    static func roundedSeconds(_ seconds: Double) -> Duration {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
