// Reads and validates the `ipam.phpipam` section and the original `phpIPAM:` shape, with YAML paths.
import IPAMCore

/// Turns the `ipam.phpipam` (or original top-level `phpIPAM`) YAML section into a ``PhpIPAMConfiguration``,
/// collecting problems in ``reader``.
struct PhpIPAMConfigurationParser {
    var reader: YAMLReader

    mutating func parseSection(_ value: YAMLValue) -> PhpIPAMConfiguration? {
        let keys = [
            "url", "appID", "credentials", "caFile", "insecureSkipTLSVerify", "subnetMap", "requestTimeout", "ownerField", "releaseCooldown",
        ]
        guard let section = reader.mapping(value, allowed: keys) else { return nil }
        let url = parseURL(section)
        let appID = parseAppID(section)
        var credentials: PhpIPAMCredentials?
        if let credentialsValue = section["credentials"] {
            credentials = parseCredentials(credentialsValue)
        } else {
            reader.reportMissing("credentials", in: section, hint: "set {usernameFile: ..., passwordFile: ...}, {fromEnvironment: true} (PHPIPAM_USERNAME/PHPIPAM_PASSWORD) or {tokenFile: ...}")
        }
        let (caFile, insecure) = reader.serverTLS(in: section)
        let subnetMap = parseSubnetMap(section)
        let requestTimeout = reader.requestTimeout(in: section, default: PhpIPAMConfiguration.defaultRequestTimeout, example: "10s")
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
        var releaseCooldown: Duration? = PhpIPAMConfiguration.defaultReleaseCooldown
        if let cooldownValue = section["releaseCooldown"] {
            releaseCooldown = reader.duration(cooldownValue)
        }
        guard let url, let appID, let credentials, let insecure, let subnetMap, let requestTimeout, let ownerField, let releaseCooldown
        else { return nil }
        return PhpIPAMConfiguration(
            url: url, appID: appID, credentials: credentials, caFile: caFile, insecureSkipTLSVerify: insecure,
            subnetMap: subnetMap, requestTimeout: requestTimeout, ownerField: ownerField, releaseCooldown: releaseCooldown)
    }

    /// The original project's `phpIPAM: {url, appID, subnetMap}`, credentials from the environment.
    mutating func parseLegacySection(_ value: YAMLValue) -> PhpIPAMConfiguration? {
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
        reader.serverBaseURL(in: section, server: "phpIPAM", example: "https://phpipam.example.com", apiPath: "/api/<appID>")
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
        let wording = ZoneListWording(
            plural: "phpIPAM subnet ids", listExample: "phpIPAM subnet ids such as [7, 8]", missing: "subnet ids", example: "[7]")
        guard let entries = reader.zoneEntries(value, wording: wording) else { return nil }
        var complete = true
        var zones: [PhpIPAMZoneSubnets] = []
        for (zone, zoneValue) in entries {
            guard let items = reader.zoneItems(zoneValue, wording: wording) else {
                complete = false
                continue
            }
            // One subnet may serve several zones (one pool they share), as the original allowed; within
            // one zone a repeated id would only be tried twice.
            var ids: [Int] = []
            for item in items {
                guard let id = reader.positiveInteger(item, describing: "a phpIPAM subnet id (a positive number)") else {
                    complete = false
                    continue
                }
                if ids.contains(id) {
                    reader.report(item.path, "subnet \(id) is listed twice for zone \(zone); remove the repeated id")
                    complete = false
                    continue
                }
                ids.append(id)
            }
            zones.append(PhpIPAMZoneSubnets(zone: zone, subnetIDs: ids))
        }
        return complete ? zones : nil
    }
}
