// Condition (metav1.Condition) and the helpers that set one while keeping its transition time.
import FoundationEssentials

/// The status of a condition.
public enum ConditionStatus: String, Sendable, Hashable, Codable {
    /// `"True"`.
    case `true` = "True"
    /// `"False"`.
    case `false` = "False"
    /// `"Unknown"`.
    case unknown = "Unknown"
}

/// One aspect of an object's current state (`metav1.Condition`).
public struct Condition: Sendable, Hashable, Codable {
    /// The condition type in CamelCase, e.g. `Ready`; unique within a list.
    public var type: String
    /// `True`, `False` or `Unknown`.
    public var status: ConditionStatus
    /// The `metadata.generation` the condition was computed from.
    public var observedGeneration: Int?
    /// When `status` last changed.
    public var lastTransitionTime: KubeTime
    /// A CamelCase machine-readable reason, e.g. `Reserved`.
    public var reason: String
    /// A human-readable message; may be empty.
    public var message: String

    /// A condition; `lastTransitionTime` defaults to now and is kept by `setCondition` when `status`
    /// does not change.
    public init(
        type: String, status: ConditionStatus, reason: String, message: String = "",
        observedGeneration: Int? = nil, lastTransitionTime: KubeTime = .now()
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
    }

    private enum CodingKeys: String, CodingKey {
        case type, status, observedGeneration, lastTransitionTime, reason, message
    }

    /// Decodes a condition; a missing `reason` or `message` becomes empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        status = try container.decode(ConditionStatus.self, forKey: .status)
        observedGeneration = try container.decodeIfPresent(Int.self, forKey: .observedGeneration)
        lastTransitionTime =
            try container.decodeIfPresent(KubeTime.self, forKey: .lastTransitionTime)
            ?? KubeTime(Date(timeIntervalSince1970: 0))
        reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }

    /// Encodes every field (the API requires `reason`, `message` and `lastTransitionTime`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(observedGeneration, forKey: .observedGeneration)
        try container.encode(lastTransitionTime, forKey: .lastTransitionTime)
        try container.encode(reason, forKey: .reason)
        try container.encode(message, forKey: .message)
    }
}

extension Array where Element == Condition {
    /// The condition of type `type`, if present.
    public func condition(ofType type: String) -> Condition? {
        first { $0.type == type }
    }

    /// Whether the condition `type` is present with status `True`.
    public func isTrue(_ type: String) -> Bool {
        condition(ofType: type)?.status == .true
    }

    /// Sets `condition`, keeping the existing `lastTransitionTime` when its status does not change
    /// (as apimachinery's `meta.SetStatusCondition` does).
    ///
    /// - Returns: `true` when anything changed (use it to skip a status write that would change nothing).
    @discardableResult
    public mutating func setCondition(_ condition: Condition) -> Bool {
        guard let index = firstIndex(where: { $0.type == condition.type }) else {
            append(condition)
            return true
        }
        var updated = condition
        if self[index].status == condition.status {
            updated.lastTransitionTime = self[index].lastTransitionTime
        }
        if self[index] == updated { return false }
        self[index] = updated
        return true
    }

    /// Removes the condition of type `type`.
    ///
    /// - Returns: `true` when a condition was removed.
    @discardableResult
    public mutating func removeCondition(ofType type: String) -> Bool {
        let before = count
        removeAll { $0.type == type }
        return count != before
    }
}
