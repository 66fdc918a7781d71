// Tests of the phpIPAM configuration: both shapes, credentials styles, defaults and validation messages.
import IPAMBackends
import IPAMCore
import IPAMphpIPAM
import Testing

@Suite("phpIPAM configuration")
struct PhpIPAMConfigurationTests {
    func phpipam(_ body: String, clusterID: String = "clusterID: prod-dal") -> String {
        """
        \(clusterID)
        ipam:
          backend: phpipam
          phpipam:
        \(body)
        """
    }

    func parsePhpIPAM(_ yaml: String) throws -> PhpIPAMConfiguration? {
        let configuration = try parseConfiguration(yaml)
        guard let phpipam = configuration.ipam.settings as? PhpIPAMConfiguration else {
            Issue.record("expected the phpIPAM backend")
            return nil
        }
        return phpipam
    }

    @Test("parses the design's example with defaults and subnet order preserved")
    func example() throws {
        let configuration = try parsePhpIPAM(phpipam("""
                url: https://phpipam.example.com/
                appID: iks
                credentials: {usernameFile: /etc/phpipam/username, passwordFile: /etc/phpipam/password}
                caFile: /etc/phpipam/ca.crt
                subnetMap: {dal12: [9], dal10: [8, 7]}
            """))
        let phpipam = try #require(configuration)
        #expect(phpipam.url == "https://phpipam.example.com")
        #expect(phpipam.appID == "iks")
        #expect(phpipam.credentials == .files(usernameFile: "/etc/phpipam/username", passwordFile: "/etc/phpipam/password"))
        #expect(phpipam.caFile == "/etc/phpipam/ca.crt")
        #expect(phpipam.insecureSkipTLSVerify == false)
        #expect(phpipam.subnetMap == [PhpIPAMZoneSubnets(zone: "dal12", subnetIDs: [9]), PhpIPAMZoneSubnets(zone: "dal10", subnetIDs: [8, 7])])
        #expect(phpipam.requestTimeout == .seconds(10))
        #expect(phpipam.ownerField == "owner")
        #expect(try phpipam.subnetIDs(inZone: "dal10") == [8, 7])
        #expect(throws: IPAMError.unknownZone("wdc04", known: ["dal12", "dal10"])) { try phpipam.subnetIDs(inZone: "wdc04") }
    }

    @Test("config validate describes each zone by its phpIPAM subnet ids and says phpIPAM gives their families")
    func zoneDescriptions() throws {
        let phpipam = try #require(try parsePhpIPAM(phpipam("""
                url: https://phpipam.example.com/
                appID: iks
                credentials: {tokenFile: /etc/phpipam/token}
                subnetMap: {dal12: [9], dal10: [8, 7, 20]}
            """)))
        #expect(phpipam.zoneDescriptions == [
            "zone dal12: phpIPAM subnet 9; address families read from phpIPAM at start (dual-stack when it has both)",
            "zone dal10: phpIPAM subnets 8 then 7 then 20 (tried in this order within each family); address families read from phpIPAM at start (dual-stack when it has both)",
        ])
    }

    @Test("reads every optional setting")
    func optionals() throws {
        let phpipam = try #require(try parsePhpIPAM(phpipam("""
                url: http://phpipam:8080
                appID: "123"
                credentials: {tokenFile: /etc/phpipam/token}
                insecureSkipTLSVerify: true
                subnetMap: {dal10: ["7"]}
                requestTimeout: 1m
                ownerField: custom_cluster
            """)))
        #expect(phpipam.appID == "123")
        #expect(phpipam.credentials == .token(file: "/etc/phpipam/token"))
        #expect(phpipam.insecureSkipTLSVerify)
        #expect(phpipam.subnetMap == [PhpIPAMZoneSubnets(zone: "dal10", subnetIDs: [7])])
        #expect(phpipam.requestTimeout == .seconds(60))
        #expect(phpipam.ownerField == "custom_cluster")
    }

    @Test("reads credentials from the environment when asked")
    func environmentCredentials() throws {
        let phpipam = try #require(try parsePhpIPAM(phpipam("""
                url: https://phpipam
                appID: iks
                credentials: {fromEnvironment: true}
                subnetMap: {dal10: [7]}
            """)))
        #expect(phpipam.credentials == .environment)
    }

    @Test("accepts the original project's ConfigMap unchanged, with env credentials and the default cluster id")
    func originalShape() throws {
        let configuration = try parseConfiguration("""
            phpIPAM:
              url: http://phpipam
              appID: iks
              subnetMap:
                dal10:
                - 7
            """)
        #expect(configuration.clusterID == "default")
        #expect(configuration.ipam == .phpipam(PhpIPAMConfiguration(
            url: "http://phpipam", appID: "iks", credentials: .environment,
            subnetMap: [PhpIPAMZoneSubnets(zone: "dal10", subnetIDs: [7])])))
        let withCluster = try parseConfiguration("clusterID: prod-dal\nphpIPAM: {url: http://phpipam, appID: iks, subnetMap: {dal10: [7]}}")
        #expect(withCluster.clusterID == "prod-dal")
    }

    @Test("points credentials in the original shape to the environment variables")
    func originalShapeCredentials() {
        #expect(configurationProblems("phpIPAM: {url: http://phpipam, appID: iks, password: secret, subnetMap: {dal10: [7]}}") == [
            "phpIPAM.password: credentials are not read from the configuration; set the environment variables PHPIPAM_USERNAME and PHPIPAM_PASSWORD (e.g. from a Secret) and remove this key",
        ])
    }

    @Test("reports every missing required key at once")
    func missing() {
        #expect(configurationProblems(phpipam("    caFile: /ca.crt")) == [
            "ipam.phpipam.url: is required; set it to the base URL of phpIPAM, e.g. https://phpipam.example.com",
            "ipam.phpipam.appID: is required; set it to the API app id configured in phpIPAM under Administration → API",
            "ipam.phpipam.credentials: is required; set {usernameFile: ..., passwordFile: ...}, {fromEnvironment: true} (PHPIPAM_USERNAME/PHPIPAM_PASSWORD) or {tokenFile: ...}",
            "ipam.phpipam.subnetMap: is required; map each zone to its phpIPAM subnet ids, e.g. subnetMap: {dal10: [7, 8]}",
        ])
    }

    @Test("rejects URLs that are not http(s) or include the API path", arguments: [
        ("ftp://phpipam", #""ftp://phpipam" must start with https:// or http://"#),
        ("phpipam.example.com", #""phpipam.example.com" must start with https:// or http://"#),
        ("https:///api", #""https:///api" is not a URL with a host name; write e.g. https://phpipam.example.com"#),
        ("https://phpipam/?x=1", #""https://phpipam/?x=1" is not a URL with a host name; write e.g. https://phpipam.example.com"#),
        ("https://phpipam/api/iks/", #""https://phpipam/api/iks" includes the API path; give the base URL of phpIPAM (without /api/<appID>), the client adds it"#),
    ])
    func badURL(url: String, message: String) {
        let problems = configurationProblems(phpipam("""
                url: \(url)
                appID: iks
                credentials: {fromEnvironment: true}
                subnetMap: {dal10: [7]}
            """))
        #expect(problems == ["ipam.phpipam.url: \(message)"])
    }

    @Test("rejects ambiguous or empty credentials", arguments: [
        ("{usernameFile: /u, tokenFile: /t}", "ipam.phpipam.credentials: mixes several kinds of credentials; choose one of {usernameFile, passwordFile}, {fromEnvironment: true} or {tokenFile}"),
        ("{}", "ipam.phpipam.credentials: selects no credentials; choose one of {usernameFile, passwordFile}, {fromEnvironment: true} or {tokenFile}"),
        ("{fromEnvironment: false}", "ipam.phpipam.credentials.fromEnvironment: false selects nothing; choose one of {usernameFile, passwordFile}, {fromEnvironment: true} or {tokenFile}"),
        ("{usernameFile: /u}", "ipam.phpipam.credentials.passwordFile: is required; usernameFile needs a passwordFile next to it"),
        ("{fromEnvironment: yes please}", "ipam.phpipam.credentials.fromEnvironment: expected true or false, found yes please"),
        ("{username: admin}", "ipam.phpipam.credentials.username: unknown key (did you mean usernameFile?); allowed keys here: usernameFile, passwordFile, fromEnvironment, tokenFile"),
    ])
    func badCredentials(credentials: String, message: String) {
        let problems = configurationProblems(phpipam("""
                url: https://phpipam
                appID: iks
                credentials: \(credentials)
                subnetMap: {dal10: [7]}
            """))
        #expect(problems.first == message)
    }

    @Test("rejects bad subnet ids, an id repeated within one zone and empty zones")
    func badSubnetMap() {
        #expect(configurationProblems(phpipam("""
                url: https://phpipam
                appID: iks
                credentials: {fromEnvironment: true}
                subnetMap:
                  dal10: [7, seven, -1]
                  dal12: [7, 7]
                  dal13: []
                  wdc04: 9
            """)) == [
                "ipam.phpipam.subnetMap.dal10[1]: expected a phpIPAM subnet id (a positive number), found seven",
                "ipam.phpipam.subnetMap.dal10[2]: expected a phpIPAM subnet id (a positive number), found -1",
                "ipam.phpipam.subnetMap.dal12[1]: subnet 7 is listed twice for zone dal12; remove the repeated id",
                "ipam.phpipam.subnetMap.dal13: has no subnet ids; list at least one, e.g. [7], or remove the zone",
                "ipam.phpipam.subnetMap.wdc04: expected a list of phpIPAM subnet ids such as [7, 8], found a single value",
            ])
    }

    @Test("the original ConfigMap mapping two zones to one subnet id parses: one subnet shared by both zones")
    func originalConfigMapSharesSubnet() throws {
        let configuration = try parseConfiguration("phpIPAM: {url: http://phpipam, appID: iks, subnetMap: {dal10: [7], dal12: [7, 8]}}")
        let original = try #require(configuration.ipam.settings as? PhpIPAMConfiguration)
        #expect(original.subnetMap == [
            PhpIPAMZoneSubnets(zone: "dal10", subnetIDs: [7]), PhpIPAMZoneSubnets(zone: "dal12", subnetIDs: [7, 8]),
        ])
        #expect(original.releaseCooldown == .seconds(300))
        let tuned = try parsePhpIPAM(phpipam("""
                url: https://phpipam
                appID: iks
                credentials: {fromEnvironment: true}
                releaseCooldown: 90s
                subnetMap: {dal10: [7]}
            """))
        #expect(tuned?.releaseCooldown == .seconds(90))
    }

    @Test("rejects contradictory TLS settings, a zero timeout and a bad owner field")
    func badOptionals() {
        #expect(configurationProblems(phpipam("""
                url: https://phpipam
                appID: iks
                credentials: {fromEnvironment: true}
                caFile: /ca.crt
                insecureSkipTLSVerify: true
                subnetMap: {dal10: [7]}
                requestTimeout: 0s
                ownerField: "custom cluster"
            """)) == [
                "ipam.phpipam.insecureSkipTLSVerify: is true, so caFile would be ignored; set either caFile (recommended) or insecureSkipTLSVerify, not both",
                "ipam.phpipam.requestTimeout: must be longer than 0s, e.g. 10s",
                #"ipam.phpipam.ownerField: "custom cluster" is not a phpIPAM field name; use owner or a custom field such as custom_cluster (letters, digits and _)"#,
            ])
    }
}
