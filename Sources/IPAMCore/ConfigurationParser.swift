// Reads and validates the document level of the configuration (cluster id, backend choice); each backend's
// provider reads its own section. Every problem is reported with its YAML path.

/// Turns a YAML tree into an ``OverlayConfiguration``, collecting problems in ``reader``.
struct ConfigurationParser {
    var reader = YAMLReader()
    /// The backends this program knows, in the order they are listed in messages.
    let backends: [any IPAMBackendProvider]

    // MARK: - Document

    mutating func parseDocument(_ root: YAMLValue) -> OverlayConfiguration? {
        let legacyKeys = backends.compactMap(\.legacySectionKey)
        guard let document = reader.mapping(root, allowed: ["clusterID", "ipam"] + legacyKeys) else { return nil }
        let legacy = backends.lazy.compactMap { backend in
            backend.legacySectionKey.flatMap { key in document[key].map { (backend, key, $0) } }
        }.first
        let modern = document["ipam"]
        if let (backend, key, _) = legacy, modern != nil {
            reader.report(key, "use either ipam (this project's schema) or \(key) (the original ConfigMap shape), not both; move its settings to ipam.\(backend.name)")
        }
        let clusterID = parseClusterID(document, required: legacy == nil)
        if let (backend, _, section) = legacy {
            guard let settings = backend.parseLegacySection(section, reader: &reader), let clusterID, modern == nil else { return nil }
            return OverlayConfiguration(clusterID: clusterID, ipam: IPAMConfiguration(settings))
        }
        guard let modern else {
            let choices = Self.list(backends.map { "backend: \($0.name)" })
            reader.reportMissing("ipam", in: document, hint: "add an ipam section with \(choices)")
            return nil
        }
        guard let ipam = parseIPAM(modern), let clusterID else { return nil }
        return OverlayConfiguration(clusterID: clusterID, ipam: ipam)
    }

    private mutating func parseClusterID(_ document: YAMLMapping, required: Bool) -> String? {
        guard let value = document["clusterID"] else {
            if required {
                reader.reportMissing("clusterID", in: document, hint: "set a name that marks this cluster's allocations, e.g. clusterID: prod-dal")
                return nil
            }
            return OverlayConfiguration.defaultClusterID
        }
        guard let id = reader.string(value, describing: "a cluster name such as prod-dal") else { return nil }
        let allowed = id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
        guard allowed, id.utf8.count <= 63 else {
            reader.report(value.path, "\"\(id)\" may contain only letters, digits, '-', '_' and '.' and be at most 63 characters long")
            return nil
        }
        return id
    }

    // MARK: - ipam

    private mutating func parseIPAM(_ value: YAMLValue) -> IPAMConfiguration? {
        guard let ipam = reader.mapping(value, allowed: ["backend"] + backends.map(\.name)) else { return nil }
        // Every section present is checked, also those not selected, so that no problem hides behind another.
        var sections: [String: (any IPAMBackendSettings)?] = [:]
        for backend in backends {
            if let section = ipam[backend.name] {
                sections[backend.name] = .some(backend.parseSection(section, reader: &reader))
            }
        }
        let names = Self.list(backends.map(\.name))
        let present = backends.filter { ipam.has($0.name) }

        let backendName: String
        if let backendValue = ipam["backend"] {
            guard let name = reader.string(backendValue, describing: names) else { return nil }
            backendName = name
        } else if present.count == 1 {
            backendName = present[0].name
        } else {
            let pick = present.isEmpty ? " and add the matching section" : " to pick one of the \(present.count == 2 ? "two" : "\(present.count)") sections"
            reader.reportMissing("backend", in: ipam, hint: "set it to \(names)" + pick)
            return nil
        }
        guard let backend = backends.first(where: { $0.name == backendName }) else {
            reader.report(ipam.value.path(ofKey: "backend"), "unknown backend \"\(backendName)\"; use \(names)")
            return nil
        }
        guard let section = sections[backend.name] else {
            reader.reportMissing(
                backend.name, in: ipam,
                hint: "ipam.backend is \(backend.name), so add a \(backend.name) section with \(backend.requiredSettings)")
            return nil
        }
        return section.map(IPAMConfiguration.init)
    }

    /// `a`, `a or b`, `a, b or c`.
    private static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " or " + last
    }
}
