// A small Prometheus registry: counters, gauges and histograms, rendered in the text exposition format.
import Synchronization

/// Holds every metric of a process and renders them for `/metrics`.
///
/// Handles (``Counter``, ``Gauge``, ``Histogram``) are cheap values; create them once and keep them.
public final class MetricsRegistry: Sendable {
    private let state = Mutex(State())

    public init() {}

    /// A counter that only goes up, e.g. `overlay_reconciles_total`.
    public func counter(_ name: String, help: String, labels: [String: String] = [:]) -> Counter {
        register(name, help: help, kind: .counter)
        return Counter(registry: self, key: SeriesKey(name: name, labels: labels))
    }

    /// A value that goes up and down, e.g. `overlay_leader`.
    public func gauge(_ name: String, help: String, labels: [String: String] = [:]) -> Gauge {
        register(name, help: help, kind: .gauge)
        return Gauge(registry: self, key: SeriesKey(name: name, labels: labels))
    }

    /// A histogram of observations in seconds with the given upper bounds.
    public func histogram(
        _ name: String, help: String, labels: [String: String] = [:],
        buckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    ) -> Histogram {
        register(name, help: help, kind: .histogram(buckets.sorted()))
        return Histogram(registry: self, key: SeriesKey(name: name, labels: labels))
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4).
    public func exposition() -> String {
        state.withLock { $0.render() }
    }

    private func register(_ name: String, help: String, kind: Family.Kind) {
        state.withLock { state in
            if state.families[name] == nil {
                state.families[name] = Family(help: help, kind: kind)
                state.order.append(name)
            }
        }
    }

    fileprivate func add(_ delta: Double, to key: SeriesKey) {
        state.withLock { $0.families[key.name]?.values[key.labels, default: 0] += delta }
    }

    fileprivate func set(_ value: Double, for key: SeriesKey) {
        state.withLock { $0.families[key.name]?.values[key.labels] = value }
    }

    fileprivate func observe(_ value: Double, for key: SeriesKey) {
        state.withLock { state in
            guard var family = state.families[key.name], case .histogram(let bounds) = family.kind else { return }
            var series = family.histograms[key.labels] ?? HistogramSeries(bucketCounts: Array(repeating: 0, count: bounds.count))
            for (index, bound) in bounds.enumerated() where value <= bound { series.bucketCounts[index] += 1 }
            series.count += 1
            series.sum += value
            family.histograms[key.labels] = series
            state.families[key.name] = family
        }
    }
}

/// A monotonically increasing metric.
public struct Counter: Sendable {
    fileprivate let registry: MetricsRegistry
    fileprivate let key: SeriesKey
    /// Adds `amount` (default 1).
    public func increment(by amount: Double = 1) { registry.add(amount, to: key) }
}

/// A metric that can go up and down.
public struct Gauge: Sendable {
    fileprivate let registry: MetricsRegistry
    fileprivate let key: SeriesKey
    /// Sets the current value.
    public func set(_ value: Double) { registry.set(value, for: key) }
    /// Adds `delta`, which may be negative.
    public func add(_ delta: Double) { registry.add(delta, to: key) }
}

/// A distribution of observed values (usually durations in seconds).
public struct Histogram: Sendable {
    fileprivate let registry: MetricsRegistry
    fileprivate let key: SeriesKey
    /// Records one observation.
    public func observe(_ value: Double) { registry.observe(value, for: key) }
    /// Records a duration in seconds.
    public func observe(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        observe(Double(seconds) + Double(attoseconds) / 1e18)
    }
}

// MARK: - Storage and rendering

private struct SeriesKey: Sendable {
    var name: String
    var labels: [String: String]
}

private struct HistogramSeries: Sendable {
    var bucketCounts: [Double]
    var count: Double = 0
    var sum: Double = 0
}

private struct Family: Sendable {
    enum Kind: Sendable {
        case counter, gauge
        case histogram([Double])
    }
    var help: String
    var kind: Kind
    var values: [[String: String]: Double] = [:]
    var histograms: [[String: String]: HistogramSeries] = [:]
}

private struct State: Sendable {
    var families: [String: Family] = [:]
    var order: [String] = []

    func render() -> String {
        var out = ""
        for name in order {
            guard let family = families[name] else { continue }
            out += "# HELP \(name) \(escapeHelp(family.help))\n"
            switch family.kind {
            case .counter, .gauge:
                out += "# TYPE \(name) \(family.kind.typeName)\n"
                for labels in family.values.keys.sorted(by: labelOrder) {
                    out += "\(name)\(render(labels)) \(format(family.values[labels] ?? 0))\n"
                }
            case .histogram(let bounds):
                out += "# TYPE \(name) histogram\n"
                for labels in family.histograms.keys.sorted(by: labelOrder) {
                    guard let series = family.histograms[labels] else { continue }
                    for (index, bound) in bounds.enumerated() {
                        out += "\(name)_bucket\(render(labels, le: format(bound))) \(format(series.bucketCounts[index]))\n"
                    }
                    out += "\(name)_bucket\(render(labels, le: "+Inf")) \(format(series.count))\n"
                    out += "\(name)_sum\(render(labels)) \(format(series.sum))\n"
                    out += "\(name)_count\(render(labels)) \(format(series.count))\n"
                }
            }
        }
        return out
    }

    private func labelOrder(_ lhs: [String: String], _ rhs: [String: String]) -> Bool {
        render(lhs) < render(rhs)
    }

    private func render(_ labels: [String: String], le: String? = nil) -> String {
        var pairs = labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(escapeLabel($0.value))\"" }
        if let le { pairs.append("le=\"\(le)\"") }
        return pairs.isEmpty ? "" : "{\(pairs.joined(separator: ","))}"
    }

    private func format(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    private func escapeLabel(_ value: String) -> String {
        value.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }

    private func escapeHelp(_ value: String) -> String {
        value.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }
}

extension Family.Kind {
    fileprivate var typeName: String {
        switch self {
        case .counter: "counter"
        case .gauge: "gauge"
        case .histogram: "histogram"
        }
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for character in self { if character == target { out += replacement } else { out.append(character) } }
        return out
    }
}
