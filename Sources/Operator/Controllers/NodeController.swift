// Node → NodeOverlayIp: creates each node's object and keeps its labels and owner in line with the node.
import KubeClient
import KubeRuntime
import Logging
import OverlayAPI

/// Ensures one NodeOverlayIp per Node (named after it, labelled, owned, finalizer set at creation).
///
/// Deleting a node's object when the node goes away is the ``AddressController``'s job (it also owns
/// the release), so this controller only creates and updates.
struct NodeController: Sendable {
    let context: OperatorContext
    let addresses: Store<NodeOverlayIp>

    func reconcile(_ node: Node) async throws -> Action {
        guard !node.metadata.isBeingDeleted else { return .awaitChange }
        let client = context.client
        guard let existing = addresses.get(name: node.metadata.name) else {
            do {
                _ = try await client.create(NodeOverlayIpTemplate.newObject(for: node))
                context.logger.info("created NodeOverlayIp", metadata: ["node": "\(node.metadata.name)"])
            } catch let error as KubeAPIError where error.reason == .alreadyExists {
                // Our cache lags behind; its watch event brings the object and a new reconcile.
            }
            return .awaitChange
        }
        // A deleting object is re-created after it is gone (its DELETED event triggers this node again).
        guard !existing.metadata.isBeingDeleted else { return .awaitChange }
        if let patch = NodeOverlayIpTemplate.metadataPatch(for: existing, node: node) {
            // Decided before the patch: once the labels match, a retry would no longer look.
            let mismatch = try await NodeOverlayIpTemplate.zoneMismatch(for: existing, node: node) { subnet in
                try await context.ipam.zones(listing: subnet)
            }
            _ = try await client.patch(NodeOverlayIp.self, name: existing.metadata.name, patch: .merge(patch))
            if let note = mismatch {
                await context.events.publish(.warning, reason: "ZoneChanged", action: "KeepAddress", note: note, regarding: existing)
            }
        }
        return .awaitChange
    }
}
