// Reads a node's zone and region from its labels, falling back to the legacy label names.

/// The zone and region of a node, from `topology.kubernetes.io/*` or the legacy
/// `failure-domain.beta.kubernetes.io/*` labels the original controller used.
public struct NodeTopology: Sendable, Hashable {
    public var zone: String?
    public var region: String?

    public init(labels: [String: String]) {
        zone = Overlay.NodeLabel.zone.lazy.compactMap { labels[$0] }.first { !$0.isEmpty }
        region = Overlay.NodeLabel.region.lazy.compactMap { labels[$0] }.first { !$0.isEmpty }
    }
}
