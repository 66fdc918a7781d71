// Reads the fields of one write body as DRF's serializer fields do, collecting `{field: [message]}` errors in order.

/// A table a related-object field points into, with the attributes a `{"attr": value}` reference may name.
enum RelatedTable {
    case vrfs, tenants, owners, sites, tags

    func ids(in database: NetBoxDatabase) -> Set<Int> {
        switch self {
        case .vrfs: Set(database.vrfs.keys)
        case .tenants: Set(database.tenants.keys)
        case .owners: Set(database.owners.keys)
        case .sites: Set(database.sites.keys)
        case .tags: Set(database.tags.keys)
        }
    }

    func attribute(_ key: String, of id: Int, in database: NetBoxDatabase) -> NetBoxJSON? {
        let attributes: [String: NetBoxJSON]? =
            switch self {
            case .vrfs: database.vrfs[id].map { ["name": .string($0.name), "rd": .optional($0.rd)] }
            case .tenants: database.tenants[id].map { ["name": .string($0.name), "slug": .string($0.slug)] }
            case .owners: database.owners[id].map { ["name": .string($0.name)] }
            case .sites: database.sites[id].map { ["name": .string($0.name), "slug": .string($0.slug)] }
            case .tags: database.tags[id].map { ["name": .string($0.name), "slug": .string($0.slug), "color": .string($0.color)] }
            }
        guard let attributes else { return nil }
        return key == "id" ? .int(id) : attributes[key]
    }
}

/// One body's field checks. Each reader method looks at one key, calls `apply` with the parsed value when
/// it is valid and records the field's error otherwise; absent keys are left alone.
struct FieldReader {
    let body: NetBoxJSON
    let database: NetBoxDatabase
    private(set) var errors: [(String, NetBoxJSON)] = []

    init(_ body: NetBoxJSON, database: NetBoxDatabase) {
        self.body = body
        self.database = database
    }

    /// DRF's error for a body that is not an object, or nil for an object.
    static func shapeError(_ body: NetBoxJSON) -> NetBoxJSON? {
        if case .object = body { return nil }
        let message = body == .null ? "No data provided" : "Invalid data. Expected a dictionary, but got \(body.pythonTypeName)."
        return .object([("non_field_errors", .array([.string(message)]))])
    }

    mutating func fail(_ field: String, _ message: String) {
        errors.append((field, .array([.string(message)])))
    }

    /// The text of a string or number value (DRF's CharField accepts numbers).
    static func text(_ value: NetBoxJSON) -> String? {
        switch value {
        case .string(let text): text
        case .int(let number): String(number)
        case .double(let number): "\(number)"
        default: nil
        }
    }

    /// How a value is quoted in "… is not a valid choice." and format messages.
    static func shown(_ value: NetBoxJSON) -> String { text(value) ?? value.pythonRepr }

    /// A CharField (`null` refused, numbers accepted, `max_length` checked).
    mutating func string(_ key: String, maxLength: Int?, _ apply: (String) -> Void) {
        guard let value = body[key] else { return }
        if case .null = value { return fail(key, "This field may not be null.") }
        guard let text = Self.text(value) else { return fail(key, "Not a valid string.") }
        if let maxLength, text.count > maxLength { return fail(key, "Ensure this field has no more than \(maxLength) characters.") }
        apply(text)
    }

    /// A ChoiceField; with `allowsBlank`, `null` and `""` clear it.
    mutating func choice(_ key: String, in choices: [(String, String)], allowsBlank: Bool = false, _ apply: (String?) -> Void) {
        guard let value = body[key] else { return }
        if allowsBlank, value == .null || value == .string("") { return apply(nil) }
        if case .null = value { return fail(key, "This field may not be null.") }
        guard case .string(let choice) = value, choices.contains(where: { $0.0 == choice }) else {
            return fail(key, "\(Self.shown(value)) is not a valid choice.")
        }
        apply(choice)
    }

    /// A BooleanField.
    mutating func flag(_ key: String, _ apply: (Bool) -> Void) {
        guard let value = body[key] else { return }
        switch value {
        case .bool(let flag): apply(flag)
        case .int(1), .string("true"), .string("True"), .string("1"): apply(true)
        case .int(0), .string("false"), .string("False"), .string("0"): apply(false)
        default: fail(key, "Must be a valid boolean.")
        }
    }

    /// A related object given as an id, a numeric string or a dictionary of attributes (NetBox's nested writes).
    mutating func related(_ key: String, _ table: RelatedTable, _ apply: (Int?) -> Void) {
        guard let value = body[key] else { return }
        switch resolve(value, table) {
        case .success(let id): apply(id)
        case .failure(let message): fail(key, message.text)
        }
    }

    /// `tags`: a list of ids or `{"slug":…}` / `{"name":…}` objects; it replaces the object's whole tag list.
    mutating func tags(_ apply: ([Int]) -> Void) {
        guard let value = body["tags"] else { return }
        guard case .array(let items) = value else {
            return fail("tags", "Expected a list of items but got type \"\(value.pythonTypeName)\".")
        }
        var ids: [Int] = []
        for item in items {
            switch resolve(item, .tags) {
            case .success(let id): if let id, !ids.contains(id) { ids.append(id) }
            case .failure(let message): return fail("tags", message.text)
            }
        }
        apply(ids)
    }

    /// `custom_fields`, merged into `current`. NetBox 4.5+ refuses the first name not defined for `objectType`
    /// (`{"custom_fields": {name: message}}`); 4.4 drops undefined names silently.
    mutating func customFields(objectType: String, current: [String: NetBoxJSON], _ apply: ([String: NetBoxJSON]) -> Void) {
        guard let value = body["custom_fields"] else { return }
        guard case .object(let members) = value else {
            return fail("custom_fields", "Invalid data format. Custom field data must be passed as a dictionary.")
        }
        let defined = Set(database.fields(for: objectType).map(\.name))
        if database.version.refusesUnknownCustomFields, let unknown = members.first(where: { !defined.contains($0.0) })?.0 {
            errors.append(("custom_fields", .object([(unknown, .string("Custom field '\(unknown)' does not exist for this object type."))])))
            return
        }
        var merged = current
        for (name, fieldValue) in members where defined.contains(name) { merged[name] = fieldValue }
        apply(merged)
    }

    /// A message for `Result`.
    struct Message: Error {
        var text: String
    }

    private func resolve(_ value: NetBoxJSON, _ table: RelatedTable) -> Result<Int?, Message> {
        let ids = table.ids(in: database)
        func numeric(_ id: Int) -> Result<Int?, Message> {
            ids.contains(id) ? .success(id) : .failure(Message(text: "Related object not found using the provided numeric ID: \(id)"))
        }
        switch value {
        case .null: return .success(nil)
        case .int(let id): return numeric(id)
        case .string(let text) where Int(text) != nil: return numeric(Int(text) ?? 0)
        case .object(let members):
            let matches = ids.sorted().filter { id in members.allSatisfy { table.attribute($0.0, of: id, in: database) == $0.1 } }
            if matches.count > 1 { return .failure(Message(text: "Multiple objects match the provided attributes: \(value.pythonRepr)")) }
            guard let id = matches.first else {
                return .failure(Message(text: "Related object not found using the provided attributes: \(value.pythonRepr)"))
            }
            return .success(id)
        default:
            return .failure(
                Message(
                    text: "Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: \(value.pythonRepr)"))
        }
    }
}

/// A write body that is one object or a list of them (`POST` to a list endpoint or to available-ips).
struct RequestedObjects {
    var isList: Bool
    var items: [NetBoxJSON]

    init(_ body: NetBoxJSON) {
        if case .array(let items) = body {
            isList = true
            self.items = items
        } else {
            isList = false
            self.items = [body]
        }
    }

    /// The 400 for per-object `errors` (`{}` for the valid ones): the whole list for a list body, else the one error.
    func failure(_ errors: [NetBoxJSON]) -> NetBoxFailure {
        .invalid(isList ? .array(errors) : errors.first { $0 != .object([]) } ?? .object([]))
    }

    /// The `201` answer: a list for a list body, else the one object.
    func created(_ objects: [NetBoxJSON]) -> NetBoxResponse {
        .json(201, isList ? .array(objects) : objects.first ?? .null)
    }
}
