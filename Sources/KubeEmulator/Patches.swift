// Patch application: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and a simple strategic merge.
import Foundation

enum Patches {
    /// RFC 7386: objects merge recursively, `null` removes a member, anything else (lists too) replaces.
    static func mergePatch(_ target: JSON, with patch: JSON) -> JSON {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value.isNull {
                result[key] = nil
            } else {
                result[key] = mergePatch(result[key] ?? .null, with: value)
            }
        }
        return .object(result)
    }

    /// Strategic merge patch as far as the emulator needs it: a merge patch where `$patch`/`$retainKeys`
    /// directives are dropped and lists (finalizers included) are replaced whole.
    static func strategicMergePatch(_ target: JSON, with patch: JSON) -> JSON {
        mergePatch(target, with: strippingDirectives(patch))
    }

    private static func strippingDirectives(_ value: JSON) -> JSON {
        switch value {
        case .object(let members):
            var result: [String: JSON] = [:]
            for (key, member) in members where !key.hasPrefix("$") && !key.hasPrefix("$setElementOrder") {
                result[key] = strippingDirectives(member)
            }
            return .object(result)
        case .array(let elements):
            return .array(elements.map(strippingDirectives))
        default:
            return value
        }
    }

    /// RFC 6902; a failed `test` or a bad path is a 422 with the real server's wording.
    static func jsonPatch(_ target: JSON, operations: JSON) -> Result<JSON, APIError> {
        guard let list = operations.arrayValue else {
            return .failure(.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"))
        }
        var document = target
        for operation in list {
            guard let op = operation["op"]?.stringValue, let path = operation["path"]?.stringValue else {
                return .failure(.badRequest("the server rejected our request due to an error in our request"))
            }
            let pointer = JSONPointer(path)
            switch op {
            case "add":
                guard let value = operation["value"], pointer.add(value, to: &document) else {
                    return .failure(unprocessable("add operation does not apply: doc is missing path: \"\(path)\""))
                }
            case "remove":
                guard pointer.remove(from: &document) != nil else {
                    return .failure(unprocessable("remove operation does not apply: doc is missing path: \"\(path)\""))
                }
            case "replace":
                guard let value = operation["value"], pointer.get(document) != nil, pointer.replace(value, in: &document) else {
                    return .failure(unprocessable("replace operation does not apply: doc is missing key: \(path)"))
                }
            case "test":
                let expected = operation["value"] ?? .null
                let actual = pointer.get(document) ?? .null
                guard actual == expected || (actual.doubleValue != nil && actual.doubleValue == expected.doubleValue) else {
                    return .failure(unprocessable("testing value \(path) failed: test failed"))
                }
            case "move", "copy":
                guard let from = operation["from"]?.stringValue, let value = JSONPointer(from).get(document) else {
                    return .failure(unprocessable("\(op) operation does not apply: doc is missing from path"))
                }
                if op == "move" { _ = JSONPointer(from).remove(from: &document) }
                guard pointer.add(value, to: &document) else {
                    return .failure(unprocessable("\(op) operation does not apply: doc is missing path: \"\(path)\""))
                }
            default:
                return .failure(unprocessable("Unexpected kind: \(op)"))
            }
        }
        return .success(document)
    }

    private static func unprocessable(_ message: String) -> APIError {
        APIError(code: 422, reason: "Invalid", message: message)
    }
}

/// An RFC 6901 pointer (`/metadata/finalizers/0`, `-` appends).
struct JSONPointer {
    var tokens: [String]

    init(_ text: String) {
        tokens = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    func get(_ document: JSON) -> JSON? {
        var current = document
        for token in tokens {
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let elements):
                guard let index = Int(token), elements.indices.contains(index) else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    func add(_ value: JSON, to document: inout JSON) -> Bool {
        Self.mutate(&document, tokens: tokens[...]) { parent, last in
            switch parent {
            case .object(var members):
                members[last] = value
                parent = .object(members)
                return true
            case .array(var elements):
                if last == "-" {
                    elements.append(value)
                } else {
                    guard let index = Int(last), index >= 0, index <= elements.count else { return false }
                    elements.insert(value, at: index)
                }
                parent = .array(elements)
                return true
            default:
                return false
            }
        }
    }

    func replace(_ value: JSON, in document: inout JSON) -> Bool {
        guard !tokens.isEmpty else {
            document = value
            return true
        }
        return Self.mutate(&document, tokens: tokens[...]) { parent, last in
            switch parent {
            case .object(var members):
                members[last] = value
                parent = .object(members)
                return true
            case .array(var elements):
                guard let index = Int(last), elements.indices.contains(index) else { return false }
                elements[index] = value
                parent = .array(elements)
                return true
            default:
                return false
            }
        }
    }

    func remove(from document: inout JSON) -> JSON? {
        var removed: JSON?
        _ = Self.mutate(&document, tokens: tokens[...]) { parent, last in
            switch parent {
            case .object(var members):
                removed = members.removeValue(forKey: last)
                parent = .object(members)
                return removed != nil
            case .array(var elements):
                guard let index = Int(last), elements.indices.contains(index) else { return false }
                removed = elements.remove(at: index)
                parent = .array(elements)
                return true
            default:
                return false
            }
        }
        return removed
    }

    /// Walks to the parent of the last token and lets `change` edit it in place.
    private static func mutate(_ node: inout JSON, tokens: ArraySlice<String>, change: (inout JSON, String) -> Bool) -> Bool {
        guard let first = tokens.first else { return false }
        if tokens.count == 1 { return change(&node, first) }
        switch node {
        case .object(var members):
            guard var child = members[first] else { return false }
            let changed = mutate(&child, tokens: tokens.dropFirst(), change: change)
            members[first] = child
            node = .object(members)
            return changed
        case .array(var elements):
            guard let index = Int(first), elements.indices.contains(index) else { return false }
            var child = elements[index]
            let changed = mutate(&child, tokens: tokens.dropFirst(), change: change)
            elements[index] = child
            node = .array(elements)
            return changed
        default:
            return false
        }
    }
}
