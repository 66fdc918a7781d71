// django-filter as NetBox uses it: lookups (`__ic`, `__n`, …), choice and related-object filters, custom field filters.

/// Applies query filters to rows one filter at a time; invalid filter values are collected and reported
/// together as a 400 `{name: ["Select a valid choice. …"]}`, as django-filter's form does. Unknown filter
/// names are ignored.
struct FilterSet<Row> {
    var rows: [Row]
    let query: QueryParameters
    private(set) var errors: [(String, NetBoxJSON)] = []

    init(_ rows: [Row], query: QueryParameters) {
        self.rows = rows
        self.query = query
    }

    /// The rows left, or the collected errors as a 400.
    func result() throws(NetBoxFailure) -> [Row] {
        guard errors.isEmpty else { throw .invalid(.object(errors)) }
        return rows
    }

    mutating func fail(_ name: String, _ message: String) {
        errors.append((name, .array([.string(message)])))
    }

    /// The query keys for filter `name`: `name` itself and `name__lookup`, with their lookups and non-empty values.
    func keys(_ name: String) -> [(lookup: String, values: [String])] {
        query.names.compactMap { key in
            let lookup: String
            if key == name {
                lookup = ""
            } else if key.hasPrefix(name + "__") {
                lookup = String(key.dropFirst(name.count + 2))
            } else {
                return nil
            }
            let values = query.values(key).filter { !$0.isEmpty }
            return values.isEmpty ? nil : (lookup, values)
        }
    }

    // MARK: - Text

    /// A text field with NetBox's lookups: exact, `n`, `ic`, `nic`, `ie`, `nie`, `isw`, `nisw`, `iew`, `niew`, `empty`.
    mutating func text(_ name: String, _ value: (Row) -> String?) {
        for (lookup, values) in keys(name) {
            rows = rows.filter { Self.textMatches(value($0), lookup: lookup, values: values) ?? true }
        }
    }

    /// Whether `text` passes `lookup` with `values` (repeated values are OR-ed; negated lookups need all to fail);
    /// nil for a lookup NetBox does not have (the filter is then ignored).
    static func textMatches(_ text: String?, lookup: String, values: [String]) -> Bool? {
        let negated = lookup.hasPrefix("n") && lookup != "n" ? true : lookup == "n"
        let base = lookup == "n" ? "" : (negated ? String(lookup.dropFirst()) : lookup)
        if lookup == "empty" {
            guard let flag = values.last?.lowercased() else { return nil }
            let isEmpty = (text ?? "").isEmpty
            switch flag {
            case "true", "1": return isEmpty
            case "false", "0": return !isEmpty
            default: return nil
            }
        }
        let test: (String, String) -> Bool
        switch base {
        case "": test = { $0 == $1 }
        case "ic": test = { $0.lowercased().contains($1.lowercased()) }
        case "ie": test = { $0.lowercased() == $1.lowercased() }
        case "isw": test = { $0.lowercased().hasPrefix($1.lowercased()) }
        case "iew": test = { $0.lowercased().hasSuffix($1.lowercased()) }
        default: return nil
        }
        guard let text else { return negated }
        let any = values.contains { test(text, $0) }
        return negated ? !any : any
    }

    // MARK: - Numbers and choices

    /// An integer field: exact (OR-ed), `n`, `gt`, `gte`, `lt`, `lte`; a non-number is `Enter a number.`
    mutating func integer(_ name: String, _ value: (Row) -> Int?) {
        for (lookup, values) in keys(name) {
            var numbers: [Int] = []
            for text in values {
                guard let number = Int(text) else {
                    fail(name, "Enter a number.")
                    return
                }
                numbers.append(number)
            }
            rows = rows.filter { row in
                guard let actual = value(row) else { return lookup == "n" }
                switch lookup {
                case "": return numbers.contains(actual)
                case "n": return !numbers.contains(actual)
                case "gt": return numbers.allSatisfy { actual > $0 }
                case "gte": return numbers.allSatisfy { actual >= $0 }
                case "lt": return numbers.allSatisfy { actual < $0 }
                case "lte": return numbers.allSatisfy { actual <= $0 }
                default: return true
                }
            }
        }
    }

    /// A choice field (`status`, `role`): values outside `choices` are a 400.
    mutating func choice(_ name: String, choices: [(String, String)], _ value: (Row) -> String?) {
        for (lookup, values) in keys(name) where lookup == "" || lookup == "n" {
            if let bad = values.first(where: { candidate in !choices.contains { $0.0 == candidate } }) {
                fail(name, "Select a valid choice. \(bad) is not one of the available choices.")
                continue
            }
            rows = rows.filter { row in
                let matches = value(row).map(values.contains) ?? false
                return lookup == "n" ? !matches : matches
            }
        }
    }

    /// A boolean field (`is_pool`, `mark_utilized`).
    mutating func boolean(_ name: String, _ value: (Row) -> Bool) {
        guard let text = query[name]?.lowercased(), !text.isEmpty else { return }
        switch text {
        case "true", "1", "yes", "on": rows = rows.filter { value($0) }
        case "false", "0", "no", "off": rows = rows.filter { !value($0) }
        default: fail(name, "Select a valid choice. \(text) is not one of the available choices.")
        }
    }

    // MARK: - Related objects

    /// A related-object filter by a key (`tag=overlay`, `tenant_id=1`): `resolve` maps a value to an object id,
    /// `"null"` matches rows without one. Unknown values are a 400. `conjoined` (tags) requires every value.
    mutating func related(_ name: String, conjoined: Bool = false, resolve: (String) -> Int?, _ value: (Row) -> [Int]) {
        for (lookup, values) in keys(name) where lookup == "" || lookup == "n" {
            var ids: [Int?] = []
            var valid = true
            for text in values {
                if text == "null" {
                    ids.append(nil)
                } else if let id = resolve(text) {
                    ids.append(id)
                } else {
                    fail(name, "Select a valid choice. \(text) is not one of the available choices.")
                    valid = false
                    break
                }
            }
            guard valid else { continue }
            rows = rows.filter { row in
                let actual = value(row)
                func has(_ id: Int?) -> Bool { id.map(actual.contains) ?? actual.isEmpty }
                let matches = conjoined ? ids.allSatisfy(has) : ids.contains(where: has)
                return lookup == "n" ? !matches : matches
            }
        }
    }

    // MARK: - Custom fields

    /// `cf_NAME` filters for the custom fields defined on the object type. A field with filter logic `exact`
    /// matches case-sensitively, `loose` by case-insensitive substring, `disabled` not at all (ignored);
    /// explicit lookups (`cf_NAME__ic`, `__ie`, `__isw`, `__n`, `__empty`, …) work on every field. A filter
    /// naming an undefined field is ignored.
    mutating func customFields(_ fields: [NetBoxSeed.CustomField], _ value: (Row) -> [String: NetBoxJSON]) {
        for field in fields where field.filterLogic != .disabled {
            for (lookup, values) in keys("cf_" + field.name) {
                let effective = lookup.isEmpty && field.filterLogic == .loose && (field.type == .text || field.type == .longtext) ? "ic" : lookup
                rows = rows.filter { row in
                    let text: String? =
                        switch value(row)[field.name] {
                        case .string(let text): text
                        case .int(let number): String(number)
                        case .bool(let flag): flag ? "true" : "false"
                        default: nil
                        }
                    return Self.textMatches(text, lookup: effective, values: values) ?? true
                }
            }
        }
    }
}
