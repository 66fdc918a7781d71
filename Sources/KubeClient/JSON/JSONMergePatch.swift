// JSON merge patch (RFC 7386): build a patch from two documents and apply one to a document.

extension JSONValue {
    /// The merge patch (RFC 7386) that turns `original` into `modified`.
    ///
    /// Members only in `original` become `null` (delete), changed members are carried recursively for
    /// objects and whole for everything else (arrays are replaced whole, as merge patch defines).
    /// Returns an empty object when the documents are equal.
    ///
    /// - Important: a value that is itself `null` in `modified` cannot be expressed by a merge patch
    ///   (it means "delete"); it is emitted as `null` and so removes the member.
    public static func mergePatch(from original: JSONValue, to modified: JSONValue) -> JSONValue {
        guard case .object(let before) = original, case .object(let after) = modified else {
            return modified
        }
        var patch: [String: JSONValue] = [:]
        for key in before.keys where after[key] == nil {
            patch[key] = .null
        }
        for (key, newValue) in after {
            guard let oldValue = before[key] else {
                patch[key] = newValue
                continue
            }
            if oldValue == newValue { continue }
            if case .object = oldValue, case .object = newValue {
                patch[key] = mergePatch(from: oldValue, to: newValue)
            } else {
                patch[key] = newValue
            }
        }
        return .object(patch)
    }

    /// The merge patch that turns the JSON form of `original` into that of `modified`.
    ///
    /// - Throws: `KubeClientError` with code `.encoding` when either value cannot be encoded.
    public static func mergePatch<T: Encodable>(from original: T, to modified: T) throws(KubeClientError) -> JSONValue {
        mergePatch(from: try JSONValue(encoding: original), to: try JSONValue(encoding: modified))
    }

    /// This document with `patch` applied as a JSON merge patch (RFC 7386).
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let changes) = patch else { return patch }
        var members: [String: JSONValue]
        if case .object(let existing) = self { members = existing } else { members = [:] }
        for (key, change) in changes {
            if change.isNull {
                members[key] = nil
            } else {
                members[key] = (members[key] ?? .null).applyingMergePatch(change)
            }
        }
        return .object(members)
    }

    /// Whether this is an object without members (an empty merge patch changes nothing).
    public var isEmptyObject: Bool {
        if case .object(let members) = self { return members.isEmpty }
        return false
    }
}
