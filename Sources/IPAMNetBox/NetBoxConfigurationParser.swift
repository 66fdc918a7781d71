// Reads and validates the `ipam.netbox` section, reporting every problem with its YAML path.
import IPAMCore
import IPAddressing

/// Turns the `ipam.netbox` YAML section into a ``NetBoxConfiguration``, collecting problems in ``reader``.
struct NetBoxConfigurationParser {
    var reader: YAMLReader

    static let keys = [
        "url", "credentials", "caFile", "insecureSkipTLSVerify", "serverName", "prefixMap", "tag", "clusterField",
        "releaseCooldown", "requestTimeout",
    ]

    mutating func parseSection(_ value: YAMLValue) -> NetBoxConfiguration? {
        guard let section = reader.mapping(value, allowed: Self.keys) else { return nil }
        let url = parseURL(section)
        var credentials: NetBoxCredentials? = .environment
        if let credentialsValue = section["credentials"] {
            credentials = parseCredentials(credentialsValue)
        }
        let (caFile, insecure) = reader.serverTLS(in: section)
        var serverName: String?
        var serverNameValid = true
        if let nameValue = section["serverName"] {
            serverName = reader.string(nameValue, describing: "the host name in the server certificate, e.g. netbox.example.com")
            if let name = serverName, name.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace }) {
                reader.report(nameValue.path, "\"\(name)\" is not a host name; write only the name the certificate was issued for, e.g. netbox.example.com")
                serverNameValid = false
            }
        }
        let prefixMap = parsePrefixMap(section)
        let tag = parseName(section, key: "tag", default: NetBoxConfiguration.defaultTag, what: "a tag slug", allowed: "letters, digits, - and _")
        let clusterField = parseName(
            section, key: "clusterField", default: NetBoxConfiguration.defaultClusterField, what: "a custom field name",
            allowed: "letters, digits and _")
        var releaseCooldown: Duration? = NetBoxConfiguration.defaultReleaseCooldown
        if let cooldownValue = section["releaseCooldown"] {
            releaseCooldown = reader.duration(cooldownValue)
        }
        let requestTimeout = reader.requestTimeout(in: section, default: NetBoxConfiguration.defaultRequestTimeout, example: "15s")
        guard let url, let credentials, let insecure, serverNameValid, let prefixMap, let tag, let clusterField,
            let releaseCooldown, let requestTimeout
        else { return nil }
        return NetBoxConfiguration(
            url: url, credentials: credentials, caFile: caFile, insecureSkipTLSVerify: insecure, serverName: serverName,
            prefixMap: prefixMap, tag: tag, clusterField: clusterField, releaseCooldown: releaseCooldown,
            requestTimeout: requestTimeout)
    }

    private mutating func parseURL(_ section: YAMLMapping) -> String? {
        reader.serverBaseURL(in: section, server: "NetBox", example: "https://netbox.example.com", apiPath: "/api")
    }

    private mutating func parseCredentials(_ value: YAMLValue) -> NetBoxCredentials? {
        guard let section = reader.mapping(value, allowed: ["tokenFile", "fromEnvironment"]) else { return nil }
        let choices = "choose {tokenFile: /path/to/token} or {fromEnvironment: true} (\(NetBoxCredentials.tokenVariable))"
        var fromEnvironment = false
        if let environmentValue = section["fromEnvironment"] {
            guard let flag = reader.bool(environmentValue) else { return nil }
            fromEnvironment = flag
            if !flag {
                reader.report(environmentValue.path, "false selects nothing; \(choices)")
                return nil
            }
        }
        switch (section["tokenFile"], fromEnvironment) {
        case (let tokenValue?, false):
            return reader.string(tokenValue, describing: "the path of a file holding the NetBox API token").map { .tokenFile($0) }
        case (nil, true):
            return .environment
        case (nil, false):
            reader.report(section.value.path, "selects no credentials; \(choices)")
            return nil
        case (.some, true):
            reader.report(section.value.path, "mixes two kinds of credentials; \(choices)")
            return nil
        }
    }

    /// A slug-like name (`tag`, `clusterField`) made of `allowed` characters, or its default.
    private mutating func parseName(_ section: YAMLMapping, key: String, default value: String, what: String, allowed: String) -> String? {
        guard let nameValue = section[key] else { return value }
        guard let name = reader.string(nameValue, describing: what) else { return nil }
        let dashAllowed = allowed.contains("-")
        let valid = name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
                || (dashAllowed && byte == UInt8(ascii: "-"))
        }
        guard valid else {
            reader.report(nameValue.path, "\"\(name)\" is not \(what); use \(allowed)")
            return nil
        }
        return name
    }

    private mutating func parsePrefixMap(_ section: YAMLMapping) -> [NetBoxZonePrefixes]? {
        guard let value = section["prefixMap"] else {
            reader.reportMissing("prefixMap", in: section, hint: "map each zone to its NetBox prefixes (ids or CIDRs), e.g. prefixMap: {dal10: [12, 192.168.110.0/24]}")
            return nil
        }
        let wording = ZoneListWording(
            plural: "NetBox prefixes", listExample: "NetBox prefixes such as [12, 192.168.110.0/24]", missing: "prefixes", example: "[12]")
        guard let entries = reader.zoneEntries(value, wording: wording) else { return nil }
        var complete = true
        var zones: [NetBoxZonePrefixes] = []
        var seen: [NetBoxPrefixReference.Selector: String] = [:]
        for (zone, zoneValue) in entries {
            guard let items = reader.zoneItems(zoneValue, wording: wording) else {
                complete = false
                continue
            }
            var prefixes: [NetBoxPrefixReference] = []
            for item in items {
                guard let reference = parsePrefixReference(item) else {
                    complete = false
                    continue
                }
                if let other = seen[reference.selector] {
                    reader.report(item.path, "\(reference.selector) is already listed at \(other); each prefix may appear once")
                    complete = false
                    continue
                }
                seen[reference.selector] = item.path
                prefixes.append(reference)
            }
            zones.append(NetBoxZonePrefixes(zone: zone, prefixes: prefixes))
        }
        return complete ? zones : nil
    }

    /// `12`, `192.168.110.0/24` or `{prefix: 12, gateway: 192.168.110.1}`.
    private mutating func parsePrefixReference(_ value: YAMLValue) -> NetBoxPrefixReference? {
        if value.isScalar {
            return parseSelector(value).map { NetBoxPrefixReference($0) }
        }
        guard let entry = reader.mapping(value, allowed: ["prefix", "gateway"]) else { return nil }
        var selector: NetBoxPrefixReference.Selector?
        if let prefixValue = entry["prefix"] {
            selector = parseSelector(prefixValue)
        } else {
            reader.reportMissing("prefix", in: entry, hint: "set it to the NetBox prefix id or the prefix in CIDR form, e.g. 12 or 192.168.110.0/24")
        }
        var gateway: IPAddress?
        var gatewayValid = true
        if let gatewayValue = entry["gateway"], let text = reader.string(gatewayValue, describing: "an IP address such as 192.168.110.1") {
            do {
                gateway = try IPAddress(parsing: text)
            } catch {
                reader.report(gatewayValue.path, error.description)
                gatewayValid = false
            }
            if let gateway, case .cidr(let prefix) = selector {
                if !prefix.contains(gateway) {
                    reader.report(gatewayValue.path, "\(gateway) is outside \(prefix); use an address inside the prefix, e.g. \(prefix.firstHost)")
                    gatewayValid = false
                } else if gateway < prefix.firstHost || gateway > prefix.lastHost {
                    reader.report(gatewayValue.path, "\(gateway) is the network or broadcast address of \(prefix); use a host address, e.g. \(prefix.firstHost)")
                    gatewayValid = false
                }
            }
        }
        guard let selector, gatewayValid else { return nil }
        return NetBoxPrefixReference(selector, gateway: gateway)
    }

    private mutating func parseSelector(_ value: YAMLValue) -> NetBoxPrefixReference.Selector? {
        guard let text = reader.string(value, describing: "a NetBox prefix id or a prefix such as 192.168.110.0/24") else { return nil }
        if text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return reader.positiveInteger(value, describing: "a NetBox prefix id (a positive number)").map { .id($0) }
        }
        do {
            return .cidr(try IPPrefix(parsing: text))
        } catch {
            reader.report(value.path, "\(error.description); write a NetBox prefix id such as 12 or a prefix such as 192.168.110.0/24")
            return nil
        }
    }
}
