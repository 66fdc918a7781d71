// Discovery documents: /version, /api, /api/v1, /apis, /apis/{group}, /apis/{group}/{version}.

/// Builds the legacy (unaggregated) discovery documents kubectl falls back to.
enum Discovery {
    static func version() -> JSON {
        .object([
            "major": "1", "minor": "32", "gitVersion": "v1.32.0-kubeemu", "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean", "buildDate": "2024-12-11T00:00:00Z", "goVersion": "go1.23.4", "compiler": "gc",
            "platform": "linux/amd64",
        ])
    }

    static func coreVersions(serverAddress: String) -> JSON {
        .object([
            "kind": "APIVersions", "versions": .array(["v1"]),
            "serverAddressByClientCIDRs": .array([.object(["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)])]),
        ])
    }

    /// Groups in a stable order: built-in groups first, then custom groups alphabetically.
    static func groups(_ resources: [ResourceType]) -> [(name: String, versions: [String])] {
        var versionsByGroup: [String: [String]] = [:]
        for resource in resources where !resource.group.isEmpty {
            var versions = versionsByGroup[resource.group, default: []]
            for version in resource.versions where !versions.contains(version) { versions.append(version) }
            versionsByGroup[resource.group] = versions
        }
        return versionsByGroup.keys.sorted().map { ($0, versionsByGroup[$0] ?? []) }
    }

    static func group(name: String, versions: [String]) -> JSON {
        let versionList = versions.map { JSON.object(["groupVersion": .string("\(name)/\($0)"), "version": .string($0)]) }
        return .object([
            "name": .string(name), "versions": .array(versionList), "preferredVersion": versionList.first ?? .null,
        ])
    }

    static func groupList(_ resources: [ResourceType]) -> JSON {
        .object([
            "kind": "APIGroupList", "apiVersion": "v1",
            "groups": .array(groups(resources).map { group(name: $0.name, versions: $0.versions) }),
        ])
    }

    static func groupDocument(_ resources: [ResourceType], name: String) -> JSON? {
        guard let match = groups(resources).first(where: { $0.name == name }) else { return nil }
        var document = group(name: match.name, versions: match.versions)
        document["kind"] = "APIGroup"
        document["apiVersion"] = "v1"
        return document
    }

    /// The APIResourceList of one group version, with `/status` entries for status subresources.
    static func resourceList(_ resources: [ResourceType], group: String, version: String) -> JSON? {
        let served = resources.filter { $0.group == group && $0.versions.contains(version) }.sorted { $0.plural < $1.plural }
        guard !served.isEmpty else { return nil }
        var entries: [JSON] = []
        for resource in served {
            var entry: [String: JSON] = [
                "name": .string(resource.plural), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                "verbs": .array(ResourceType.standardVerbs.map(JSON.string)),
            ]
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map(JSON.string)) }
            if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map(JSON.string)) }
            entries.append(.object(entry))
            if resource.hasStatusSubresource {
                entries.append(.object([
                    "name": .string("\(resource.plural)/status"), "singularName": "", "namespaced": .bool(resource.namespaced),
                    "kind": .string(resource.kind), "verbs": .array(["get", "patch", "update"]),
                ]))
            }
        }
        return .object([
            "kind": "APIResourceList", "apiVersion": "v1",
            "groupVersion": .string(ResourceType.apiVersion(group: group, version: version)), "resources": .array(entries),
        ])
    }
}
