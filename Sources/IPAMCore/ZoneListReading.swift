// Reading a zone map (`zones`, `subnetMap`, `prefixMap`): zone names to non-empty lists, the shape every backend's section shares.

/// How a backend's zone map names its lists in problems.
public struct ZoneListWording: Sendable {
    /// The list elements in plural, e.g. `subnets` (“expected a mapping of zone names to lists of subnets”).
    public var plural: String
    /// The list with an example, e.g. `subnets such as {subnet: 192.168.100.0/24}` (“expected a list of …”).
    public var listExample: String
    /// What an empty list lacks, e.g. `subnets` (“has no subnets; list at least one”).
    public var missing: String
    /// A one-element list, e.g. `[7]`, shown in the hints for an empty map or list.
    public var example: String

    /// Creates the wording of one backend's zone map.
    public init(plural: String, listExample: String, missing: String, example: String) {
        self.plural = plural
        self.listExample = listExample
        self.missing = missing
        self.example = example
    }
}

extension YAMLReader {
    /// Reads a mapping of zone names to lists, reporting a value that is no mapping and a mapping without zones.
    ///
    /// - Returns: nil when the map is unusable or has no zones; else each zone with its (unread) value, in
    ///   document order. Read each value with ``zoneItems(_:wording:)``.
    public mutating func zoneEntries(_ value: YAMLValue, wording: ZoneListWording) -> [(name: String, value: YAMLValue)]? {
        guard let entries = namedEntries(value, describing: "zone names to lists of \(wording.plural)") else { return nil }
        if entries.isEmpty {
            report(value.path, "has no zones; add at least one, e.g. dal10: \(wording.example)")
            return nil
        }
        return entries
    }

    /// Reads one zone's list, reporting a value that is no list and an empty list.
    ///
    /// - Returns: the list's elements, each with its YAML path, or nil when there is none to read.
    public mutating func zoneItems(_ value: YAMLValue, wording: ZoneListWording) -> [YAMLValue]? {
        guard let items = sequence(value, describing: wording.listExample) else { return nil }
        if items.isEmpty {
            report(value.path, "has no \(wording.missing); list at least one, e.g. \(wording.example), or remove the zone")
            return nil
        }
        return items
    }
}
