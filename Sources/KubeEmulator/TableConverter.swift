// Server-side printing for `kubectl get`: the meta.k8s.io/v1 Table with printer columns and ages.
import Foundation

/// Builds `Table` objects the way kube-apiserver answers `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
struct TableConverter {
    var resource: ResourceType
    var version: String
    var now: Date
    /// `includeObject`: `None`, `Metadata` (default) or `Object`.
    var includeObject: String

    private static let ageColumn = PrinterColumn(
        name: "Age", type: "date", format: "", description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
        priority: 0, jsonPath: ".metadata.creationTimestamp")

    /// The columns after Name: the CRD's additionalPrinterColumns, or Age (plus a few built-in extras).
    var columns: [PrinterColumn] {
        if let schema = resource.schema(forVersion: version), !schema.printerColumns.isEmpty { return schema.printerColumns }
        switch resource.key {
        case "nodes":
            return [
                PrinterColumn(name: "Status", type: "string", format: "", description: "Ready condition", priority: 0,
                              jsonPath: Self.nodeStatus),
                Self.ageColumn,
            ]
        case "events", "events.events.k8s.io":
            let object = resource.group.isEmpty ? ".involvedObject" : ".regarding"
            let message = resource.group.isEmpty ? ".message" : ".note"
            return [
                PrinterColumn(name: "Type", type: "string", format: "", description: "Normal or Warning", priority: 0, jsonPath: ".type"),
                PrinterColumn(name: "Reason", type: "string", format: "", description: "Why", priority: 0, jsonPath: ".reason"),
                PrinterColumn(name: "Object", type: "string", format: "", description: "Regarding", priority: 0,
                              jsonPath: Self.kindSlashName + object),
                PrinterColumn(name: "Message", type: "string", format: "", description: "What happened", priority: 0,
                              jsonPath: message),
                Self.ageColumn,
            ]
        case "leases.coordination.k8s.io":
            return [PrinterColumn(name: "Holder", type: "string", format: "", description: "holderIdentity", priority: 0,
                                  jsonPath: ".spec.holderIdentity"), Self.ageColumn]
        case "namespaces":
            return [PrinterColumn(name: "Status", type: "string", format: "", description: "phase", priority: 0,
                                  jsonPath: ".status.phase"), Self.ageColumn]
        default:
            return [Self.ageColumn]
        }
    }

    func columnDefinitions() -> JSON {
        let name = JSON.object([
            "name": "Name", "type": "string", "format": "name", "priority": .int(0),
            "description": "Name must be unique within a namespace. https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
        ])
        return .array([name] + columns.map { column in
            .object(["name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                     "description": .string(column.description), "priority": .int(column.priority)])
        })
    }

    /// Computed cells kubectl users expect but JSONPath cannot express.
    private static let nodeStatus = "@nodeStatus"
    private static let kindSlashName = "@kindSlashName"

    private static func computed(_ path: String, on object: JSON) -> [JSON]? {
        if path == nodeStatus {
            let ready = JSONPath.evaluate(".status.conditions[?(@.type==\"Ready\")].status", on: object).first?.stringValue
            var status = ready == "True" ? "Ready" : (ready == nil ? "Unknown" : "NotReady")
            if object["spec"]?["unschedulable"]?.boolValue == true { status += ",SchedulingDisabled" }
            return [.string(status)]
        }
        if path.hasPrefix(kindSlashName) {
            let reference = JSONPath.evaluate(String(path.dropFirst(kindSlashName.count)), on: object).first
            let kind = reference?["kind"]?.stringValue?.lowercased() ?? ""
            return [.string("\(kind)/\(reference?["name"]?.stringValue ?? "")")]
        }
        return nil
    }

    func row(_ object: JSON) -> JSON {
        var cells: [JSON] = [object["metadata"]?["name"] ?? ""]
        for column in columns {
            let values = Self.computed(column.jsonPath, on: object) ?? JSONPath.evaluate(column.jsonPath, on: object)
            guard let first = values.first else {
                cells.append(.null)
                continue
            }
            if column.type == "date", let text = first.stringValue, let date = ClusterState.parseTimestamp(text) {
                cells.append(.string(Self.humanDuration(now.timeIntervalSince(date))))
            } else if values.count > 1 {
                cells.append(.string(values.map(Self.cellText).joined(separator: ",")))
            } else {
                switch first {
                case .string, .int, .double, .bool: cells.append(first)
                default: cells.append(.string(Self.cellText(first)))
                }
            }
        }
        var row: [String: JSON] = ["cells": .array(cells)]
        switch includeObject {
        case "None": break
        case "Object": row["object"] = object
        default:
            row["object"] = .object(["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                     "metadata": object["metadata"] ?? .object([:])])
        }
        return .object(row)
    }

    func table(rows objects: [JSON], resourceVersion: String, continueToken: String?, remaining: Int?) -> JSON {
        var metadata: [String: JSON] = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remaining { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        return .object([
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata),
            "columnDefinitions": columnDefinitions(), "rows": .array(objects.map(row)),
        ])
    }

    static func cellText(_ value: JSON) -> String {
        if let string = value.stringValue { return string }
        return value.serialized()
    }

    /// `k8s.io/apimachinery/pkg/util/duration.HumanDuration`.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let rest = seconds % 60
            return rest == 0 ? "\(minutes)m" : "\(minutes)m\(rest)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let rest = minutes % 60
            return rest == 0 ? "\(hours)h" : "\(hours)h\(rest)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 24 * 8 {
            let rest = hours % 24
            return rest == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(rest)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let rest = (hours / 24) % 365
            return rest == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(rest)d"
        }
        return "\(hours / 24 / 365)y"
    }
}

/// The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*]`, `.a[?(@.k=="v")].b`.
enum JSONPath {
    static func evaluate(_ path: String, on object: JSON) -> [JSON] {
        var text = path.trimmingSpaces()
        if text.hasPrefix("{") && text.hasSuffix("}") { text = String(text.dropFirst().dropLast()) }
        if text.hasPrefix("$") { text = String(text.dropFirst()) }
        var current: [JSON] = [object]
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "." {
                index = text.index(after: index)
                let end = text[index...].firstIndex { $0 == "." || $0 == "[" } ?? text.endIndex
                let key = String(text[index..<end])
                if !key.isEmpty { current = current.compactMap { $0[key] } }
                index = end
            } else if character == "[" {
                guard let close = closingBracket(in: text, from: index) else { return [] }
                let inner = String(text[text.index(after: index)..<close])
                current = current.flatMap { apply(inner, to: $0) }
                index = text.index(after: close)
            } else {
                return []
            }
        }
        return current
    }

    private static func closingBracket(in text: String, from start: String.Index) -> String.Index? {
        var depth = 0
        var index = start
        while index < text.endIndex {
            if text[index] == "[" { depth += 1 }
            if text[index] == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func apply(_ selector: String, to value: JSON) -> [JSON] {
        guard let elements = value.arrayValue else { return [] }
        if selector == "*" { return elements }
        if let position = Int(selector) {
            let resolved = position < 0 ? elements.count + position : position
            return elements.indices.contains(resolved) ? [elements[resolved]] : []
        }
        guard selector.hasPrefix("?(@."), selector.hasSuffix(")") else { return [] }
        let condition = selector.dropFirst(4).dropLast()
        guard let equals = condition.range(of: "==") else {
            let key = String(condition).trimmingSpaces()
            return elements.filter { $0[key] != nil }
        }
        let key = String(condition[..<equals.lowerBound]).trimmingSpaces()
        var expected = String(condition[equals.upperBound...]).trimmingSpaces()
        if expected.count >= 2, let first = expected.first, first == "\"" || first == "'", expected.last == first {
            expected = String(expected.dropFirst().dropLast())
        }
        return elements.filter { element in
            guard let actual = element[key] else { return false }
            return (actual.stringValue ?? actual.serialized()) == expected
        }
    }
}
