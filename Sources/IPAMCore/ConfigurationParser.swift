// Reads and validates each section of the configuration, reporting every problem with its YAML path.

/// Turns a YAML tree into an ``OverlayConfiguration``, collecting problems in ``reader``.
struct ConfigurationParser {
    var reader = YAMLReader()

    // MARK: - Document

    mutating func parseDocument(_ root: YAMLValue) -> OverlayConfiguration? {
        guard let document = reader.mapping(root, allowed: ["clusterID", "ipam", "phpIPAM"]) else { return nil }
        let legacy = document["phpIPAM"]
        let modern = document["ipam"]
        if legacy != nil, modern != nil {
            reader.report("phpIPAM", "use either ipam (this project's schema) or phpIPAM (the original ConfigMap shape), not both; move its settings to ipam.phpipam")
        }
        let clusterID = parseClusterID(document, required: legacy == nil)
        if let legacy {
            guard let phpipam = parseLegacyPhpIPAM(legacy), let clusterID, modern == nil else { return nil }
            return OverlayConfiguration(clusterID: clusterID, ipam: .phpipam(phpipam))
        }
        guard let modern else {
            reader.reportMissing("ipam", in: document, hint: "add an ipam section with backend: local or backend: phpipam")
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
        guard let ipam = reader.mapping(value, allowed: ["backend", "local", "phpipam"]) else { return nil }
        let localSection = ipam["local"].map { parseLocal($0) }
        let phpipamSection = ipam["phpipam"].map { parsePhpIPAM($0) }

        let backend: String
        if let backendValue = ipam["backend"] {
            guard let name = reader.string(backendValue, describing: "local or phpipam") else { return nil }
            backend = name
        } else if ipam.has("local") != ipam.has("phpipam") {
            backend = ipam.has("local") ? "local" : "phpipam"
        } else {
            reader.reportMissing("backend", in: ipam, hint: "set it to local or phpipam" + (ipam.has("local") ? " to pick one of the two sections" : " and add the matching section"))
            return nil
        }
        switch backend {
        case "local":
            guard let localSection else {
                reader.reportMissing("local", in: ipam, hint: "ipam.backend is local, so add a local section with database and zones")
                return nil
            }
            return localSection.map(IPAMConfiguration.local)
        case "phpipam":
            guard let phpipamSection else {
                reader.reportMissing("phpipam", in: ipam, hint: "ipam.backend is phpipam, so add a phpipam section with url, appID, credentials and subnetMap")
                return nil
            }
            return phpipamSection.map(IPAMConfiguration.phpipam)
        default:
            reader.report(ipam.value.path(ofKey: "backend"), "unknown backend \"\(backend)\"; use local or phpipam")
            return nil
        }
    }

    // MARK: - ipam.local

    private mutating func parseLocal(_ value: YAMLValue) -> LocalIPAMConfiguration? {
        guard let local = reader.mapping(value, allowed: ["database", "releaseCooldown", "zones"]) else { return nil }
        var database: String?
        if let databaseValue = local["database"] {
            database = reader.string(databaseValue, describing: "the path of the SQLite file")
        } else {
            reader.reportMissing("database", in: local, hint: "set it to the path of the SQLite file, e.g. /var/lib/overlay-ipam/ipam.db")
        }
        var releaseCooldown: Duration? = LocalIPAMConfiguration.defaultReleaseCooldown
        if let cooldownValue = local["releaseCooldown"] {
            releaseCooldown = reader.duration(cooldownValue)
        }
        var zones: [ZoneConfiguration]?
        if let zonesValue = local["zones"] {
            zones = parseZones(zonesValue)
        } else {
            reader.reportMissing("zones", in: local, hint: "map each zone name to its subnets, e.g. zones: {dal10: [{subnet: 192.168.100.0/24}]}")
        }
        guard let database, let releaseCooldown, let zones else { return nil }
        return LocalIPAMConfiguration(database: database, releaseCooldown: releaseCooldown, zones: zones)
    }

    private mutating func parseZones(_ value: YAMLValue) -> [ZoneConfiguration]? {
        guard let entries = reader.namedEntries(value, describing: "zone names to lists of subnets") else { return nil }
        if entries.isEmpty {
            reader.report(value.path, "has no zones; add at least one, e.g. dal10: [{subnet: 192.168.100.0/24}]")
            return nil
        }
        var zones: [ZoneConfiguration] = []
        var seen: [(prefix: IPPrefix, path: String)] = []
        var complete = true
        for (name, zoneValue) in entries {
            guard let items = reader.sequence(zoneValue, describing: "subnets such as {subnet: 192.168.100.0/24}") else {
                complete = false
                continue
            }
            if items.isEmpty {
                reader.report(zoneValue.path, "has no subnets; list at least one, e.g. [{subnet: 192.168.100.0/24}], or remove the zone")
                complete = false
                continue
            }
            var subnets: [SubnetConfiguration] = []
            for item in items {
                guard let subnet = parseSubnet(item) else {
                    complete = false
                    continue
                }
                let subnetPath = item.path(ofKey: "subnet")
                if let clash = seen.first(where: { $0.prefix.overlaps(subnet.subnet) }) {
                    reader.report(subnetPath, "\(subnet.subnet) overlaps \(clash.prefix) at \(clash.path); every address may belong to one subnet of one zone only")
                    complete = false
                }
                seen.append((subnet.subnet, subnetPath))
                subnets.append(subnet)
            }
            zones.append(ZoneConfiguration(name: name, subnets: subnets))
        }
        return complete ? zones : nil
    }

    private mutating func parseSubnet(_ value: YAMLValue) -> SubnetConfiguration? {
        // Shorthand: a bare prefix string stands for {subnet: <prefix>}.
        if case .scalar = value.node, !value.isNull {
            guard let prefix = parsePrefix(value, pathForErrors: value.path) else { return nil }
            return validated(SubnetConfiguration(subnet: prefix), at: value, gatewayPath: nil)
        }
        guard let entry = reader.mapping(value, allowed: ["subnet", "gateway", "reserved"]) else { return nil }
        var prefix: IPPrefix?
        if let subnetValue = entry["subnet"] {
            prefix = parsePrefix(subnetValue, pathForErrors: subnetValue.path)
        } else {
            reader.reportMissing("subnet", in: entry, hint: "set it to the subnet in CIDR form, e.g. 192.168.100.0/24")
        }
        var gateway: IPAddress?
        var gatewayValid = true
        if let gatewayValue = entry["gateway"], let text = reader.string(gatewayValue, describing: "an IP address such as 192.168.100.1") {
            do {
                gateway = try IPAddress(parsing: text)
            } catch {
                reader.report(gatewayValue.path, error.description)
                gatewayValid = false
            }
        }
        var reserved: [IPRange] = []
        var reservedPaths: [String] = []
        var reservedValid = true
        if let reservedValue = entry["reserved"], let items = reader.sequence(reservedValue, describing: "addresses or ranges such as 192.168.100.2-192.168.100.9") {
            for item in items {
                guard let text = reader.string(item, describing: "an address or a range such as 192.168.100.2-192.168.100.9") else {
                    reservedValid = false
                    continue
                }
                do {
                    reserved.append(try IPRange(parsing: text))
                    reservedPaths.append(item.path)
                } catch {
                    reader.report(item.path, error.description)
                    reservedValid = false
                }
            }
        }
        guard let prefix else { return nil }
        // Check what did parse against the subnet too, so that one bad entry does not hide others.
        let subnet = SubnetConfiguration(subnet: prefix, gateway: gateway, reserved: reserved)
        let checked = validated(
            subnet, at: value, gatewayPath: gateway == nil ? nil : entry.value.path(ofKey: "gateway"),
            reservedPaths: reservedPaths, checkAssignable: gatewayValid && reservedValid)
        return gatewayValid && reservedValid ? checked : nil
    }

    private mutating func parsePrefix(_ value: YAMLValue, pathForErrors path: String) -> IPPrefix? {
        guard let text = reader.string(value, describing: "a subnet in CIDR form such as 192.168.100.0/24") else { return nil }
        do {
            return try IPPrefix(parsing: text)
        } catch {
            reader.report(path, error.description)
            return nil
        }
    }

    /// Checks the gateway and reserved ranges against the subnet and that something is left to hand out.
    private mutating func validated(
        _ subnet: SubnetConfiguration, at value: YAMLValue, gatewayPath: String?, reservedPaths: [String] = [],
        checkAssignable: Bool = true
    ) -> SubnetConfiguration? {
        let prefix = subnet.subnet
        var valid = true
        if let gatewayPath {
            let gateway = subnet.gateway
            if gateway.family != prefix.family {
                reader.report(gatewayPath, "\(gateway) is \(gateway.family) but the subnet \(prefix) is \(prefix.family); use an address inside the subnet")
                valid = false
            } else if !prefix.contains(gateway) {
                reader.report(gatewayPath, "\(gateway) is outside \(prefix); use an address inside the subnet, e.g. \(prefix.firstHost)")
                valid = false
            } else if gateway < prefix.firstHost {
                reader.report(gatewayPath, "\(gateway) is the network address of \(prefix); use a host address, e.g. \(prefix.firstHost)")
                valid = false
            } else if gateway > prefix.lastHost {
                reader.report(gatewayPath, "\(gateway) is the broadcast address of \(prefix); use a host address, e.g. \(prefix.lastHost)")
                valid = false
            }
        }
        for (range, path) in zip(subnet.reserved, reservedPaths) where !range.isInside(prefix) {
            let wording = range.first == range.last ? "is outside" : (prefix.contains(range.first) || prefix.contains(range.last) ? "reaches outside" : "is outside")
            reader.report(path, "\(range) \(wording) \(prefix); reserve only addresses of this subnet")
            valid = false
        }
        guard valid, checkAssignable else { return nil }
        if subnet.assignableCount == 0 {
            reader.report(value.path, "\(prefix) has no address left to hand out after its gateway and reserved addresses; use a larger subnet or reserve fewer addresses")
            return nil
        }
        return subnet
    }

    // MARK: - ipam.phpipam

    private mutating func parsePhpIPAM(_ value: YAMLValue) -> PhpIPAMConfiguration? {
        let keys = ["url", "appID", "credentials", "caFile", "insecureSkipTLSVerify", "subnetMap", "requestTimeout", "ownerField"]
        guard let section = reader.mapping(value, allowed: keys) else { return nil }
        let url = parseURL(section)
        let appID = parseAppID(section)
        var credentials: PhpIPAMCredentials?
        if let credentialsValue = section["credentials"] {
            credentials = parseCredentials(credentialsValue)
        } else {
            reader.reportMissing("credentials", in: section, hint: "set {usernameFile: ..., passwordFile: ...}, {fromEnvironment: true} (PHPIPAM_USERNAME/PHPIPAM_PASSWORD) or {tokenFile: ...}")
        }
        var caFile: String?
        if let caValue = section["caFile"] {
            caFile = reader.string(caValue, describing: "the path of a PEM CA certificate file")
        }
        var insecure: Bool? = false
        if let insecureValue = section["insecureSkipTLSVerify"] {
            insecure = reader.bool(insecureValue)
        }
        if caFile != nil, insecure == true {
            reader.report(section.value.path(ofKey: "insecureSkipTLSVerify"), "is true, so caFile would be ignored; set either caFile (recommended) or insecureSkipTLSVerify, not both")
        }
        let subnetMap = parseSubnetMap(section)
        var requestTimeout: Duration? = PhpIPAMConfiguration.defaultRequestTimeout
        if let timeoutValue = section["requestTimeout"] {
            requestTimeout = reader.duration(timeoutValue)
            if requestTimeout == .zero {
                reader.report(timeoutValue.path, "must be longer than 0s, e.g. 10s")
                requestTimeout = nil
            }
        }
        var ownerField: String? = PhpIPAMConfiguration.defaultOwnerField
        if let ownerValue = section["ownerField"] {
            ownerField = reader.string(ownerValue, describing: "owner or the name of a custom field such as custom_cluster")
            if let field = ownerField, !field.utf8.allSatisfy({ byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            }) {
                reader.report(ownerValue.path, "\"\(field)\" is not a phpIPAM field name; use owner or a custom field such as custom_cluster (letters, digits and _)")
                ownerField = nil
            }
        }
        guard let url, let appID, let credentials, let insecure, let subnetMap, let requestTimeout, let ownerField else { return nil }
        return PhpIPAMConfiguration(
            url: url, appID: appID, credentials: credentials, caFile: caFile, insecureSkipTLSVerify: insecure,
            subnetMap: subnetMap, requestTimeout: requestTimeout, ownerField: ownerField)
    }

    /// The original project's `phpIPAM: {url, appID, subnetMap}`, credentials from the environment.
    private mutating func parseLegacyPhpIPAM(_ value: YAMLValue) -> PhpIPAMConfiguration? {
        guard let section = reader.mapping(value, allowed: ["url", "appID", "subnetMap", "username", "password"]) else { return nil }
        for key in ["username", "password"] where section.has(key) {
            reader.report(section.value.path(ofKey: key), "credentials are not read from the configuration; set the environment variables \(PhpIPAMCredentials.usernameVariable) and \(PhpIPAMCredentials.passwordVariable) (e.g. from a Secret) and remove this key")
        }
        let url = parseURL(section)
        let appID = parseAppID(section)
        let subnetMap = parseSubnetMap(section)
        guard let url, let appID, let subnetMap else { return nil }
        return PhpIPAMConfiguration(url: url, appID: appID, credentials: .environment, subnetMap: subnetMap)
    }

    private mutating func parseURL(_ section: YAMLMapping) -> String? {
        guard let value = section["url"] else {
            reader.reportMissing("url", in: section, hint: "set it to the base URL of phpIPAM, e.g. https://phpipam.example.com")
            return nil
        }
        guard var url = reader.string(value, describing: "a URL such as https://phpipam.example.com") else { return nil }
        let lowered = url.lowercased()
        guard let scheme = ["https://", "http://"].first(where: { lowered.hasPrefix($0) }) else {
            reader.report(value.path, "\"\(url)\" must start with https:// or http://")
            return nil
        }
        let host = url.dropFirst(scheme.count).prefix { $0 != "/" }
        guard !host.isEmpty, !url.contains(where: \.isWhitespace) else {
            reader.report(value.path, "\"\(url)\" is not a URL with a host name; write e.g. https://phpipam.example.com")
            return nil
        }
        while url.hasSuffix("/") { url.removeLast() }
        if url.lowercased().hasSuffix("/api") || url.lowercased().contains("/api/") {
            reader.report(value.path, "\"\(url)\" includes the API path; give the base URL of phpIPAM (without /api/<appID>), the client adds it")
            return nil
        }
        return url
    }

    private mutating func parseAppID(_ section: YAMLMapping) -> String? {
        guard let value = section["appID"] else {
            reader.reportMissing("appID", in: section, hint: "set it to the API app id configured in phpIPAM under Administration → API")
            return nil
        }
        guard let appID = reader.string(value, describing: "the phpIPAM API app id") else { return nil }
        guard !appID.contains("/"), !appID.contains(where: \.isWhitespace) else {
            reader.report(value.path, "\"\(appID)\" is not an app id; use the name shown under Administration → API, without / or spaces")
            return nil
        }
        return appID
    }

    private mutating func parseCredentials(_ value: YAMLValue) -> PhpIPAMCredentials? {
        guard let section = reader.mapping(value, allowed: ["usernameFile", "passwordFile", "fromEnvironment", "tokenFile"]) else { return nil }
        let choices = "choose one of {usernameFile, passwordFile}, {fromEnvironment: true} or {tokenFile}"
        let hasFiles = section.has("usernameFile") || section.has("passwordFile")
        var fromEnvironment = false
        if let environmentValue = section["fromEnvironment"] {
            guard let flag = reader.bool(environmentValue) else { return nil }
            fromEnvironment = flag
            if !flag {
                reader.report(environmentValue.path, "false selects nothing; \(choices)")
                return nil
            }
        }
        let styles = [hasFiles, fromEnvironment, section.has("tokenFile")].filter { $0 }.count
        guard styles == 1 else {
            reader.report(section.value.path, styles == 0 ? "selects no credentials; \(choices)" : "mixes several kinds of credentials; \(choices)")
            return nil
        }
        if fromEnvironment { return .environment }
        if let tokenValue = section["tokenFile"] {
            return reader.string(tokenValue, describing: "the path of a file holding the app token").map { .token(file: $0) }
        }
        var usernameFile: String?
        var passwordFile: String?
        if let usernameValue = section["usernameFile"] {
            usernameFile = reader.string(usernameValue, describing: "the path of a file holding the username")
        } else {
            reader.reportMissing("usernameFile", in: section, hint: "passwordFile needs a usernameFile next to it")
        }
        if let passwordValue = section["passwordFile"] {
            passwordFile = reader.string(passwordValue, describing: "the path of a file holding the password")
        } else {
            reader.reportMissing("passwordFile", in: section, hint: "usernameFile needs a passwordFile next to it")
        }
        guard let usernameFile, let passwordFile else { return nil }
        return .files(usernameFile: usernameFile, passwordFile: passwordFile)
    }

    private mutating func parseSubnetMap(_ section: YAMLMapping) -> [PhpIPAMZoneSubnets]? {
        guard let value = section["subnetMap"] else {
            reader.reportMissing("subnetMap", in: section, hint: "map each zone to its phpIPAM subnet ids, e.g. subnetMap: {dal10: [7, 8]}")
            return nil
        }
        guard let entries = reader.namedEntries(value, describing: "zone names to lists of phpIPAM subnet ids") else { return nil }
        if entries.isEmpty {
            reader.report(value.path, "has no zones; add at least one, e.g. dal10: [7]")
            return nil
        }
        var zones: [PhpIPAMZoneSubnets] = []
        var owners: [Int: String] = [:]
        var complete = true
        for (zone, zoneValue) in entries {
            guard let items = reader.sequence(zoneValue, describing: "phpIPAM subnet ids such as [7, 8]") else {
                complete = false
                continue
            }
            if items.isEmpty {
                reader.report(zoneValue.path, "has no subnet ids; list at least one, e.g. [7], or remove the zone")
                complete = false
                continue
            }
            var ids: [Int] = []
            for item in items {
                guard let id = reader.positiveInteger(item, describing: "a phpIPAM subnet id (a positive number)") else {
                    complete = false
                    continue
                }
                if let owner = owners[id] {
                    reader.report(item.path, "subnet \(id) is already listed for zone \(owner); each subnet id may appear once")
                    complete = false
                    continue
                }
                owners[id] = zone
                ids.append(id)
            }
            zones.append(PhpIPAMZoneSubnets(zone: zone, subnetIDs: ids))
        }
        return complete ? zones : nil
    }
}
