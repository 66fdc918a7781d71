// Merge patches that touch only one writer's keys of a NodeOverlayIp status.
import KubeClient

extension NodeOverlayIpStatus {
    /// The keys the operator owns.
    public static let operatorKeys = ["ipAddr", "gateway", "ipAddrs", "gateways", "zone", "subnet", "conditions", "observedGeneration"]
    /// The keys the node's agent owns.
    public static let agentKeys = ["interface", "interfaceLabel", "configuredAddress", "configuredAddresses", "routes"]

    /// A JSON merge patch `{"status": {…}}` that sets the operator's keys to this status's values and
    /// deletes those that are `nil`, leaving the agent's keys alone.
    public func operatorPatch() throws -> JSONValue { try patch(keys: Self.operatorKeys) }

    /// A JSON merge patch `{"status": {…}}` that sets the agent's keys to this status's values and
    /// deletes those that are `nil`, leaving the operator's keys alone.
    public func agentPatch() throws -> JSONValue { try patch(keys: Self.agentKeys) }

    private func patch(keys: [String]) throws -> JSONValue {
        let encoded = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(self))
        var members: [String: JSONValue] = [:]
        for key in keys { members[key] = encoded[key] ?? .null }
        return .object(["status": .object(members)])
    }
}

extension StaticRouteStatus {
    /// A JSON merge patch `{"status": {…}}` replacing the whole status (the operator is its only writer):
    /// absent keys are deleted, and so is the original controller's per-node `nodeStatus` list.
    public func patch() throws -> JSONValue {
        guard case .object(var members) = try KubeJSON.decode(JSONValue.self, from: KubeJSON.encode(self)) else {
            return .object(["status": .null])
        }
        for key in Self.allKeys where members[key] == nil { members[key] = .null }
        return .object(["status": .object(members)])
    }

    /// Every key the status may hold, plus the original's `nodeStatus`.
    static let allKeys = [
        "selectedNodes", "appliedNodes", "refusedNodes", "failedNodes", "pendingNodes", "ready", "notApplied", "conditions",
        "observedGeneration", "nodeStatus",
    ]
}
