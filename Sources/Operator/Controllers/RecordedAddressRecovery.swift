// Brings back an address a NodeOverlayIp records but the IPAM does not hold for its node: re-claim or adopt.
import IPAddressing
import IPAMCore
import KubeClient
import KubeRuntime
import OverlayAPI

/// Restores the IPAM's hold on the address a NodeOverlayIp records (`status.ipAddr`) for its node.
///
/// First a re-claim (the IPAM lost it, e.g. a restored local database). When another record holds the
/// address, it may be the original controller's record of this very node (owner `<node>\n`, no hostname):
/// then the backend adopts it in place, so the address never becomes free. Any other holder is a conflict
/// and the caller reports it. Each success is logged and recorded as an Event on the object.
enum RecordedAddressRecovery {
    static func restore(
        _ address: IPAddress, of nodeName: String, regarding object: NodeOverlayIp?, context: OperatorContext
    ) async throws -> IPAllocation {
        let owner = context.owner(of: nodeName)
        do {
            let reclaimed = try await context.ipam.reclaim(owner, address: address)
            context.metrics.reclaimed.increment()
            if let object {
                await context.events.publish(
                    .normal, reason: "Reclaimed", action: "ReclaimAddress",
                    note: "the IPAM had lost \(reclaimed.cidr); re-claimed it for node \(nodeName)", regarding: object)
            }
            return reclaimed
        } catch let error as IPAMError {
            guard case .addressHeld = error, let adopted = try await context.ipam.adoptLegacyAllocation(owner, address: address) else {
                throw error
            }
            let note = "adopted \(adopted.allocation.cidr) for node \(nodeName) from the original controller's \(adopted.location) "
                + "(owner \(adopted.previousOwner.debugDescription)); re-marked in place, never released"
            context.logger.notice(
                "adopted the original controller's allocation",
                metadata: ["node": "\(nodeName)", "address": "\(adopted.allocation.cidr)", "record": "\(adopted.location)"])
            if let object {
                await context.events.publish(.normal, reason: "Adopted", action: "AdoptAddress", note: note, regarding: object)
            }
            return adopted.allocation
        }
    }
}
