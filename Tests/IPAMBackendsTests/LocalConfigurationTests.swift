// Tests of the local backend's configuration: defaults, order, subnet validation messages and helpers.
import IPAddressing
import IPAMBackends
import IPAMCore
import IPAMLocalSQLite
import Testing

@Suite("Local IPAM configuration")
struct LocalConfigurationTests {
    @Test("parses the design's example with defaults filled in and order preserved")
    func example() throws {
        let configuration = try parseConfiguration("""
            clusterID: prod-dal
            ipam:
              backend: local
              local:
                database: /var/lib/overlay-ipam/ipam.db
                zones:
                  dal12:
                    - {subnet: 192.168.200.0/24}
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: ["192.168.100.2-192.168.100.9"]}
                    - subnet: 192.168.101.0/24
                      gateway: 192.168.101.254
                    - 192.168.102.0/24
            """)
        #expect(configuration.clusterID == "prod-dal")
        guard let local = configuration.ipam.settings as? LocalIPAMConfiguration else {
            Issue.record("expected the local backend")
            return
        }
        #expect(local.database == "/var/lib/overlay-ipam/ipam.db")
        #expect(local.releaseCooldown == .seconds(300))
        #expect(local.zones.map(\.name) == ["dal12", "dal10"])
        let dal10 = try local.subnets(inZone: "dal10")
        #expect(dal10.map(\.subnet.description) == ["192.168.100.0/24", "192.168.101.0/24", "192.168.102.0/24"])
        #expect(dal10.map(\.gateway.description) == ["192.168.100.1", "192.168.101.254", "192.168.102.1"])
        #expect(dal10[0].reserved.map(\.description) == ["192.168.100.2-192.168.100.9"])
        #expect(local.zones[0].subnets[0].gateway.description == "192.168.200.1")
        #expect(configuration.ipam.zoneNames == ["dal12", "dal10"])
    }

    @Test("reads the release cool-down", arguments: [("30s", Duration.seconds(30)), ("5m", .seconds(300)), ("1h30m", .seconds(5400)), ("0s", .zero), ("250ms", .milliseconds(250))])
    func cooldown(text: String, expected: Duration) throws {
        let configuration = try parseConfiguration(localConfiguration(
            zones: "      z: [192.168.100.0/24]", extra: "    releaseCooldown: \(text)"))
        guard let local = configuration.ipam.settings as? LocalIPAMConfiguration else { return }
        #expect(local.releaseCooldown == expected)
    }

    @Test("rejects a cool-down without a unit")
    func cooldownWithoutUnit() {
        #expect(configurationProblems(localConfiguration(zones: "      z: [192.168.100.0/24]", extra: "    releaseCooldown: 300")) == [
            #"ipam.local.releaseCooldown: "300" is not a duration; write a whole number followed by ms, s, m or h, e.g. 30s, 5m or 1h30m"#,
        ])
    }

    @Test("accepts IPv6 subnets, which have no broadcast address")
    func ipv6() throws {
        let configuration = try parseConfiguration(localConfiguration(zones: """
                  z:
                    - {subnet: "fd00:100::/120", reserved: ["fd00:100::ff"]}
            """))
        guard let local = configuration.ipam.settings as? LocalIPAMConfiguration else { return }
        let subnet = local.zones[0].subnets[0]
        #expect(subnet.gateway.description == "fd00:100::1")
        #expect(subnet.assignableCount == 253)  // 256 minus anycast, gateway and one reserved
        #expect(subnet.isAssignable(try IPAddress(parsing: "fd00:100::fe")))
        #expect(!subnet.isAssignable(try IPAddress(parsing: "fd00:100::ff")))
    }

    @Test("reports a gateway outside its subnet with the full YAML path")
    func gatewayOutside() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 10.0.0.1}
            """)) == ["ipam.local.zones.dal10[0].gateway: 10.0.0.1 is outside 192.168.100.0/24; use an address inside the subnet, e.g. 192.168.100.1"])
    }

    @Test("reports a gateway that is the network or broadcast address or of the wrong family")
    func gatewaySpecialAddresses() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.0}
                    - {subnet: 192.168.101.0/24, gateway: 192.168.101.255}
                    - {subnet: 192.168.102.0/24, gateway: "fd00::1"}
                    - {subnet: 192.168.103.0/24, gateway: 192.168.103.256}
            """)) == [
                "ipam.local.zones.dal10[0].gateway: 192.168.100.0 is the network address of 192.168.100.0/24; use a host address, e.g. 192.168.100.1",
                "ipam.local.zones.dal10[1].gateway: 192.168.101.255 is the broadcast address of 192.168.101.0/24; use a host address, e.g. 192.168.101.254",
                "ipam.local.zones.dal10[2].gateway: fd00::1 is IPv6 but the subnet 192.168.102.0/24 is IPv4; use an address inside the subnet",
                #"ipam.local.zones.dal10[3].gateway: "192.168.103.256" is not an IPv4 address: octet 256 is greater than 255"#,
            ])
    }

    @Test("reports bad CIDRs, including host bits with the intended prefix")
    func badSubnets() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.5/24}
                    - {subnet: 192.168.101.0/33}
                    - {gateway: 192.168.102.1}
            """)) == [
                #"ipam.local.zones.dal10[0].subnet: "192.168.100.5/24" is not a network prefix: host bits are set after the first 24 bits (did you mean 192.168.100.0/24?)"#,
                #"ipam.local.zones.dal10[1].subnet: "192.168.101.0/33" is not a network prefix: the prefix length "33" is not a number from 0 to 32"#,
                "ipam.local.zones.dal10[2].subnet: is required; set it to the subnet in CIDR form, e.g. 192.168.100.0/24",
            ])
    }

    @Test("reports reserved addresses outside the subnet and unparsable ones, all at once")
    func reservedOutside() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - subnet: 192.168.100.0/24
                      reserved: [192.168.100.7, 10.0.0.5, "192.168.100.250-192.168.101.5", "192.168.100.9-192.168.100.2"]
            """)) == [
                "ipam.local.zones.dal10[0].reserved[3]: \"192.168.100.9-192.168.100.2\" is not an address range: the first address 192.168.100.9 is after the last address 192.168.100.2 (write 192.168.100.2-192.168.100.9)",
                "ipam.local.zones.dal10[0].reserved[1]: 10.0.0.5 is outside 192.168.100.0/24; reserve only addresses of this subnet",
                "ipam.local.zones.dal10[0].reserved[2]: 192.168.100.250-192.168.101.5 reaches outside 192.168.100.0/24; reserve only addresses of this subnet",
            ])
    }

    @Test("one subnet written the same under several zones is shared; listed twice in a zone or written differently it is refused")
    func sharedSubnets() throws {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: [192.168.100.9]}
                  dal12:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: [192.168.100.9]}
            """)).isEmpty)
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - 192.168.100.0/24
                    - 192.168.100.0/24
                  dal12:
                    - {subnet: 192.168.100.0/24, gateway: 192.168.100.254}
            """)) == [
                "ipam.local.zones.dal10[1]: 192.168.100.0/24 is listed twice in zone dal10 (also at ipam.local.zones.dal10[0]); remove one",
                "ipam.local.zones.dal12[0].subnet: 192.168.100.0/24 is also listed at ipam.local.zones.dal10[0] with another gateway or reserved addresses; a subnet that several zones share is one pool, so write it the same way in each zone",
            ])
    }

    @Test("reports subnets that overlap within and across zones")
    func overlaps() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/24}
                    - {subnet: 192.168.100.128/25}
                  dal12:
                    - {subnet: 192.168.0.0/16}
            """)) == [
                "ipam.local.zones.dal10[1].subnet: 192.168.100.128/25 overlaps 192.168.100.0/24 at ipam.local.zones.dal10[0].subnet; every address may belong to one subnet only: make them disjoint, or list the very same subnet under each zone that shares it",
                "ipam.local.zones.dal12[0].subnet: 192.168.0.0/16 overlaps 192.168.100.0/24 at ipam.local.zones.dal10[0].subnet; every address may belong to one subnet only: make them disjoint, or list the very same subnet under each zone that shares it",
            ])
    }

    @Test("reports empty zones, a missing zone map and a missing database")
    func emptyZones() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10: []
                  dal12:
            """)) == [
                "ipam.local.zones.dal10: has no subnets; list at least one, e.g. [{subnet: 192.168.100.0/24}], or remove the zone",
                "ipam.local.zones.dal12: expected a list of subnets such as {subnet: 192.168.100.0/24}, found a single value",
            ])
        #expect(configurationProblems("""
            clusterID: test
            ipam:
              backend: local
              local: {}
            """) == [
                "ipam.local.database: is required; set it to the path of the SQLite file, e.g. /var/lib/overlay-ipam/ipam.db",
                "ipam.local.zones: is required; map each zone name to its subnets, e.g. zones: {dal10: [{subnet: 192.168.100.0/24}]}",
            ])
    }

    @Test("reports a subnet left with nothing to hand out")
    func nothingAssignable() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/30, reserved: [192.168.100.2]}
            """)) == [
                "ipam.local.zones.dal10[0]: 192.168.100.0/30 has no address left to hand out after its gateway and reserved addresses; use a larger subnet or reserve fewer addresses",
            ])
    }

    @Test("reports unknown keys with a suggestion, so typos never pass silently")
    func unknownKeys() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: 192.168.100.0/24, gatway: 192.168.100.1}
            """, extra: "    releaseCoolDown: 5m")) == [
                "ipam.local.releaseCoolDown: unknown key (did you mean releaseCooldown?); allowed keys here: database, releaseCooldown, zones",
                "ipam.local.zones.dal10[0].gatway: unknown key (did you mean gateway?); allowed keys here: subnet, gateway, reserved",
            ])
    }
}

@Suite("SubnetConfiguration")
struct SubnetConfigurationTests {
    func subnet(_ prefix: String, gateway: String? = nil, reserved: [String] = []) throws -> SubnetConfiguration {
        SubnetConfiguration(
            subnet: try IPPrefix(parsing: prefix), gateway: try gateway.map { try IPAddress(parsing: $0) },
            reserved: try reserved.map { try IPRange(parsing: $0) })
    }

    @Test("never assigns the network, broadcast, gateway or reserved addresses")
    func assignable() throws {
        let config = try subnet("192.168.100.0/24", gateway: "192.168.100.1", reserved: ["192.168.100.2-192.168.100.9", "192.168.100.200"])
        for text in ["192.168.100.0", "192.168.100.1", "192.168.100.2", "192.168.100.9", "192.168.100.200", "192.168.100.255", "192.168.101.1", "fd00::1"] {
            #expect(!config.isAssignable(try IPAddress(parsing: text)), "\(text)")
        }
        for text in ["192.168.100.10", "192.168.100.199", "192.168.100.201", "192.168.100.254"] {
            #expect(config.isAssignable(try IPAddress(parsing: text)), "\(text)")
        }
        #expect(config.assignableCount == 254 - 1 - 8 - 1)
    }

    @Test("counts overlapping reserved ranges and a reserved gateway once")
    func countOverlaps() throws {
        let config = try subnet("10.0.0.0/24", gateway: "10.0.0.5", reserved: ["10.0.0.1-10.0.0.10", "10.0.0.8-10.0.0.12", "10.0.0.0/30"])
        #expect(config.unassignableRanges.map(\.description) == ["10.0.0.0-10.0.0.12", "10.0.0.255"])
        #expect(config.assignableCount == 256 - 13 - 1)
    }

    @Test("finds the next assignable address past excluded runs")
    func nextAssignable() throws {
        let config = try subnet("10.0.0.0/29", reserved: ["10.0.0.2-10.0.0.3", "10.0.0.5"])
        let addresses = try ["10.0.0.0", "10.0.0.4", "10.0.0.5", "10.0.0.7"].map { try IPAddress(parsing: $0) }
        #expect(addresses.map { config.firstAssignable(atOrAfter: $0)?.description } == ["10.0.0.4", "10.0.0.4", "10.0.0.6", nil])
    }

    @Test("saturates the assignable count of huge IPv6 subnets")
    func hugeIPv6() throws {
        #expect(try subnet("fd00::/64").assignableCount == Int.max)
        #expect(try subnet("fd00::/126").assignableCount == 2)
    }

    @Test("uses every address of a /31 and /32 except the gateway")
    func pointToPoint() throws {
        #expect(try subnet("10.0.0.0/31").assignableCount == 1)
        #expect(try subnet("10.0.0.0/32").assignableCount == 0)
    }

    @Test("the zone policy returns subnets in order or names the known zones")
    func zonePolicy() throws {
        let local = LocalIPAMConfiguration(database: "x", zones: [
            ZoneConfiguration(name: "dal10", subnets: [try subnet("10.0.0.0/24"), try subnet("10.0.1.0/24")]),
            ZoneConfiguration(name: "dal12", subnets: [try subnet("10.1.0.0/24")]),
        ])
        #expect(try local.subnets(inZone: "dal10").map(\.subnet.description) == ["10.0.0.0/24", "10.0.1.0/24"])
        #expect(throws: IPAMError.unknownZone("wdc04", known: ["dal10", "dal12"])) { try local.subnets(inZone: "wdc04") }
        #expect(local.subnet(containing: try IPAddress(parsing: "10.1.0.9"))?.zone == "dal12")
        #expect(local.subnet(containing: try IPAddress(parsing: "10.2.0.9")) == nil)
    }
}
