// What the NodeOverlayIp of a Node must look like (labels, owner, finalizer): pure functions.
import IPAddressing
import KubeClient
import OverlayAPI

/// The desired shape of the NodeOverlayIp that belongs to a Node.
public enum NodeOverlayIpTemplate {
    /// The labels the operator keeps on a node's NodeOverlayIp: `node`, and `region`/`zone` when the node
    /// has topology labels (current names first, then the legacy `failure-domain.beta.kubernetes.io/*`).
    public static func labels(for node: Node) -> [String: String] {
        let topology = NodeTopology(labels: node.metadata.labels)
        var labels = [Overlay.Label.node: node.metadata.name]
        if let region = topology.region { labels[Overlay.Label.region] = region }
        if let zone = topology.zone { labels[Overlay.Label.zone] = zone }
        return labels
    }

    /// A new NodeOverlayIp for `node`: named after it, labelled, controlled by it (ownerReference with
    /// `controller: true`) and carrying the address finalizer from the start.
    public static func newObject(for node: Node) -> NodeOverlayIp {
        let owner = OwnerReference(controllerOf: node).map { [$0] } ?? []
        return NodeOverlayIp(
            metadata: ObjectMeta(
                name: node.metadata.name, labels: labels(for: node), finalizers: [Overlay.addressFinalizer],
                ownerReferences: owner))
    }

    /// A merge patch of `metadata` bringing the operator's labels of `object` in line with `node`
    /// (setting changed ones, deleting vanished ones) and making `node` its controlling owner (objects
    /// of the original controller, or a node re-created under the same name), or nil when all match.
    /// Labels that are not the operator's are left alone.
    public static func metadataPatch(for object: NodeOverlayIp, node: Node) -> JSONValue? {
        var metadata: [String: JSONValue] = [:]
        if let labels = labelChanges(for: object, node: node) { metadata["labels"] = labels }
        if let reference = OwnerReference(controllerOf: node), object.metadata.controllerReference != reference {
            let others = object.metadata.ownerReferences.filter { $0.controller != true }
            if let encoded = try? KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(others + [reference])) {
                metadata["ownerReferences"] = encoded
            }
        }
        return metadata.isEmpty ? nil : .object(["metadata": .object(metadata)])
    }

    private static func labelChanges(for object: NodeOverlayIp, node: Node) -> JSONValue? {
        let desired = labels(for: node)
        var changes: [String: JSONValue] = [:]
        for key in [Overlay.Label.node, Overlay.Label.region, Overlay.Label.zone] {
            let current = object.metadata.labels[key]
            let wanted = desired[key]
            guard current != wanted else { continue }
            changes[key] = wanted.map { .string($0) } ?? .null
        }
        return changes.isEmpty ? nil : .object(changes)
    }

    /// A note for the Event when `node` now says a zone whose subnets do not hold its address: the address
    /// stays (moving it would break the node's overlay), the mismatch is reported. A subnet several zones
    /// list suits each of them, so a node moving between those zones keeps a fitting address: no note.
    /// - Parameter zonesListing: the zones listing a subnet (``IPAMBackend/zones(listing:)``); asked only
    ///   when the node's zone differs from `status.zone`.
    public static func zoneMismatch(
        for object: NodeOverlayIp, node: Node, zonesListing: (IPPrefix) async throws -> [String]
    ) async rethrows -> String? {
        guard let reservedZone = object.status.zone, object.status.ipAddr != nil,
            let nodeZone = NodeTopology(labels: node.metadata.labels).zone, nodeZone != reservedZone
        else { return nil }
        if let subnet = object.status.subnet.flatMap({ IPPrefix($0) }), try await zonesListing(subnet).contains(nodeZone) {
            return nil
        }
        return "node \(node.metadata.name) moved to zone \(nodeZone) but keeps \(object.status.ipAddr ?? "") from zone "
            + "\(reservedZone); delete its NodeOverlayIp to get an address in the new zone"
    }
}
