// Tests of the `ipam.netbox` section: defaults, prefix references, credentials and validation messages.
import IPAMCore
import IPAMNetBox
import IPAddressing
import Testing

@Suite("NetBox configuration")
struct NetBoxConfigurationTests {
    func netbox(_ body: String) -> String {
        """
        clusterID: prod-dal
        ipam:
          backend: netbox
          netbox:
        \(body)
        """
    }

    func problems(_ yaml: String) -> [String] {
        do {
            _ = try OverlayConfiguration.parse(yaml: yaml, backends: [NetBoxProvider()])
            return []
        } catch {
            return error.problems.map(\.description)
        }
    }

    func parse(_ yaml: String) throws -> NetBoxConfiguration {
        let configuration = try OverlayConfiguration.parse(yaml: yaml, backends: [NetBoxProvider()])
        return try #require(configuration.ipam.settings as? NetBoxConfiguration)
    }

    @Test("reads ids, CIDRs and entries with a gateway, in order, with the defaults")
    func example() throws {
        let parsed = try parse(netbox("""
                url: https://netbox.example.com/
                prefixMap:
                  dal10: [12, 192.168.110.0/24, {prefix: 13, gateway: 192.168.111.1}]
                  dal12: [{prefix: "fd00:110::/64", gateway: "fd00:110::1"}]
            """))
        #expect(parsed.url == "https://netbox.example.com")
        #expect(parsed.credentials == .environment)
        #expect(parsed.tag == "overlay-ip-controller")
        #expect(parsed.clusterField == "overlay_cluster")
        #expect(parsed.releaseCooldown == .seconds(300))
        #expect(parsed.requestTimeout == .seconds(15))
        #expect(parsed.prefixMap == [
            NetBoxZonePrefixes(zone: "dal10", prefixes: [
                NetBoxPrefixReference(.id(12)),
                NetBoxPrefixReference(.cidr(try IPPrefix(parsing: "192.168.110.0/24"))),
                NetBoxPrefixReference(.id(13), gateway: try IPAddress(parsing: "192.168.111.1")),
            ]),
            NetBoxZonePrefixes(zone: "dal12", prefixes: [
                NetBoxPrefixReference(.cidr(try IPPrefix(parsing: "fd00:110::/64")), gateway: try IPAddress(parsing: "fd00:110::1")),
            ]),
        ])
        let configuration = try OverlayConfiguration.parse(yaml: netbox("""
                url: https://netbox.example.com/
                prefixMap: {dal10: [12]}
            """), backends: [NetBoxProvider()])
        #expect(configuration.ipam.zoneNames == ["dal10"])
        #expect(configuration.ipam.summary == "netbox backend at https://netbox.example.com, 1 zone, 1 prefix")
    }

    @Test("reads every optional setting")
    func optionals() throws {
        let parsed = try parse(netbox("""
                url: http://netbox:8000
                credentials: {tokenFile: /etc/netbox/token}
                caFile: /etc/netbox/ca.crt
                serverName: netbox.internal
                prefixMap: {dal10: ["7"]}
                tag: k8s-overlay
                clusterField: k8s_cluster
                releaseCooldown: 10m
                requestTimeout: 30s
            """))
        #expect(parsed.credentials == .tokenFile("/etc/netbox/token"))
        #expect(parsed.caFile == "/etc/netbox/ca.crt")
        #expect(parsed.serverName == "netbox.internal")
        #expect(parsed.prefixMap == [NetBoxZonePrefixes(zone: "dal10", prefixes: [NetBoxPrefixReference(.id(7))])])
        #expect(parsed.tag == "k8s-overlay")
        #expect(parsed.clusterField == "k8s_cluster")
        #expect(parsed.releaseCooldown == .seconds(600))
        #expect(parsed.requestTimeout == .seconds(30))
    }

    @Test("reports a missing url and prefixMap at once")
    func missing() {
        #expect(problems(netbox("    caFile: /ca.crt")) == [
            "ipam.netbox.url: is required; set it to the base URL of NetBox, e.g. https://netbox.example.com",
            "ipam.netbox.prefixMap: is required; map each zone to its NetBox prefixes (ids or CIDRs), e.g. prefixMap: {dal10: [12, 192.168.110.0/24]}",
        ])
    }

    @Test("names the section a netbox backend needs")
    func missingSection() {
        #expect(problems("clusterID: c\nipam: {backend: netbox}") == [
            "ipam.netbox: is required; ipam.backend is netbox, so add a netbox section with url and prefixMap (and the token in NETBOX_TOKEN or credentials.tokenFile)",
        ])
    }

    @Test("rejects bad prefix entries with their paths", arguments: [
        ("{dal10: [0]}", "ipam.netbox.prefixMap.dal10[0]: expected a NetBox prefix id (a positive number), found 0"),
        ("{dal10: [192.168.110.5/24]}", "ipam.netbox.prefixMap.dal10[0]: "),
        ("{dal10: [12], dal12: [12]}", "ipam.netbox.prefixMap.dal12[0]: prefix id 12 is already listed at ipam.netbox.prefixMap.dal10[0]; each prefix may appear once"),
        ("{dal10: [{gateway: 10.0.0.1}]}", "ipam.netbox.prefixMap.dal10[0].prefix: is required; set it to the NetBox prefix id or the prefix in CIDR form, e.g. 12 or 192.168.110.0/24"),
        ("{dal10: [{prefix: 10.0.0.0/24, gateway: 10.0.1.1}]}", "ipam.netbox.prefixMap.dal10[0].gateway: 10.0.1.1 is outside 10.0.0.0/24; use an address inside the prefix, e.g. 10.0.0.1"),
        ("{dal10: [{prefix: 10.0.0.0/24, gateway: 10.0.0.255}]}", "ipam.netbox.prefixMap.dal10[0].gateway: 10.0.0.255 is the network or broadcast address of 10.0.0.0/24; use a host address, e.g. 10.0.0.1"),
        ("{dal10: []}", "ipam.netbox.prefixMap.dal10: has no prefixes; list at least one, e.g. [12], or remove the zone"),
        ("{}", "ipam.netbox.prefixMap: has no zones; add at least one, e.g. dal10: [12]"),
    ])
    func badPrefixes(map: String, expected: String) {
        let found = problems(netbox("    url: https://netbox\n    prefixMap: \(map)"))
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix(expected) == true, "got \(found)")
    }

    @Test("rejects bad credentials, URLs, names and TLS combinations", arguments: [
        ("credentials: {}", "ipam.netbox.credentials: selects no credentials; choose {tokenFile: /path/to/token} or {fromEnvironment: true} (NETBOX_TOKEN)"),
        ("credentials: {tokenFile: /t, fromEnvironment: true}", "ipam.netbox.credentials: mixes two kinds of credentials; choose {tokenFile: /path/to/token} or {fromEnvironment: true} (NETBOX_TOKEN)"),
        ("credentials: {fromEnvironment: false}", "ipam.netbox.credentials.fromEnvironment: false selects nothing; choose {tokenFile: /path/to/token} or {fromEnvironment: true} (NETBOX_TOKEN)"),
        ("tag: \"two words\"", #"ipam.netbox.tag: "two words" is not a tag slug; use letters, digits, - and _"#),
        ("clusterField: owner-cluster", #"ipam.netbox.clusterField: "owner-cluster" is not a custom field name; use letters, digits and _"#),
        ("serverName: https://netbox", #"ipam.netbox.serverName: "https://netbox" is not a host name; write only the name the certificate was issued for, e.g. netbox.example.com"#),
        ("caFile: /ca\n    insecureSkipTLSVerify: true", "ipam.netbox.insecureSkipTLSVerify: is true, so caFile would be ignored; set either caFile (recommended) or insecureSkipTLSVerify, not both"),
        ("requestTimeout: 0", "ipam.netbox.requestTimeout: must be longer than 0s, e.g. 15s"),
    ])
    func badSettings(setting: String, expected: String) {
        #expect(problems(netbox("    url: https://netbox\n    prefixMap: {dal10: [1]}\n    \(setting)")) == [expected])
    }

    @Test("rejects URLs that are not http(s) or include the API path", arguments: [
        ("ftp://netbox", #""ftp://netbox" must start with https:// or http://"#),
        ("https://netbox/api/", #""https://netbox/api" includes the API path; give the base URL of NetBox (without /api), the client adds it"#),
    ])
    func badURLs(url: String, expected: String) {
        #expect(problems(netbox("    url: \(url)\n    prefixMap: {dal10: [1]}")) == ["ipam.netbox.url: \(expected)"])
    }
}
