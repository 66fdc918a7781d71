// The local backend's dual-stack configuration: zones of both families, IPv6 prefix lengths, zone descriptions.
import IPAMBackends
import IPAMCore
import IPAMLocalSQLite
import IPAddressing
import Testing

@Suite("Local configuration: dual stack")
struct LocalDualStackConfigurationTests {
    private func local(_ zones: String) throws -> LocalIPAMConfiguration {
        let configuration = try parseConfiguration(localConfiguration(zones: zones))
        return try #require(configuration.ipam.settings as? LocalIPAMConfiguration)
    }

    @Test("a zone listing subnets of both families keeps each family's order, interleaved or not")
    func bothFamilies() throws {
        let configuration = try local("""
                  dal10:
                    - 192.168.100.0/24
                    - {subnet: "fd00:100::/64"}
                    - 192.168.101.0/24
                    - "fd00:101::/120"
            """)
        #expect(configuration.zones[0].subnets.map(\.subnet.description)
            == ["192.168.100.0/24", "fd00:100::/64", "192.168.101.0/24", "fd00:101::/120"])
        #expect(configuration.zoneDescriptions == [
            "zone dal10: dual-stack (IPv4 first): IPv4 192.168.100.0/24 then 192.168.101.0/24; IPv6 fd00:100::/64 then fd00:101::/120",
        ])
    }

    @Test("config validate explains each zone: dual-stack with its primary family, or one family only")
    func zoneDescriptions() throws {
        let configuration = try parseConfiguration(localConfiguration(zones: """
                  dal10:
                    - "fd00:100::/64"
                    - 192.168.100.0/24
                  dal12:
                    - 192.168.102.0/24
                    - 192.168.103.0/24
                  dal13:
                    - "fd00:113::/64"
            """))
        #expect(configuration.ipam.zoneDescriptions == [
            "zone dal10: dual-stack (IPv6 first): IPv6 fd00:100::/64; IPv4 192.168.100.0/24",
            "zone dal12: IPv4 only: 192.168.102.0/24 then 192.168.103.0/24",
            "zone dal13: IPv6 only: fd00:113::/64",
        ])
    }

    @Test("IPv6 prefixes from /64 to /127 are accepted; shorter and longer ones are refused with the YAML path")
    func ipv6PrefixLengths() throws {
        for length in [64, 96, 120, 126, 127] {
            let prefix = "fd00:100::/\(length)"
            #expect(configurationProblems(localConfiguration(zones: "      z: [\"\(prefix)\"]")) == [], "\(prefix)")
        }
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - 192.168.100.0/24
                    - "fd00:100::/48"
                    - {subnet: "fd00:200::1/128"}
            """)) == [
                "ipam.local.zones.dal10[1]: fd00:100::/48 is a /48; an IPv6 subnet must be a /64 to /127 (e.g. fd00:100::/64)",
                "ipam.local.zones.dal10[2].subnet: fd00:200::1/128 is a /128; an IPv6 subnet must be a /64 to /127 (e.g. fd00:200::/127)",
            ])
    }

    @Test("the subnet-router anycast address is never assignable; a /127 keeps both addresses as hosts")
    func ipv6Exclusions() throws {
        let configuration = try local("""
                  z:
                    - {subnet: "fd00:100::/64", gateway: "fd00:100::ffff:ffff:ffff:fffe", reserved: ["fd00:100::ffff:ffff:ffff:ff00-fd00:100::ffff:ffff:ffff:fffd"]}
                    - {subnet: "fd00:200::/127", gateway: "fd00:200::"}
            """)
        let wide = configuration.zones[0].subnets[0]
        #expect(!wide.isAssignable(try IPAddress(parsing: "fd00:100::")))
        #expect(wide.isAssignable(try IPAddress(parsing: "fd00:100::1")))
        #expect(!wide.isAssignable(try IPAddress(parsing: "fd00:100::ffff:ffff:ffff:ff00")))
        #expect(!wide.isAssignable(try IPAddress(parsing: "fd00:100::ffff:ffff:ffff:fffe")))
        #expect(wide.isAssignable(try IPAddress(parsing: "fd00:100::ffff:ffff:ffff:ffff")))
        let pointToPoint = configuration.zones[0].subnets[1]
        #expect(pointToPoint.assignableCount == 1)
        #expect(pointToPoint.isAssignable(try IPAddress(parsing: "fd00:200::1")))
    }

    @Test("an IPv6 subnet with no assignable address left is reported at its path")
    func ipv6NothingLeft() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: "fd00:100::/126", reserved: ["fd00:100::2-fd00:100::3"]}
            """)) == [
                "ipam.local.zones.dal10[0]: fd00:100::/126 has no address left to hand out after its gateway and reserved addresses; use a larger subnet or reserve fewer addresses",
            ])
    }

    @Test("an IPv6 gateway on the subnet-router anycast address is refused")
    func ipv6GatewayOnAnycast() {
        #expect(configurationProblems(localConfiguration(zones: """
                  dal10:
                    - {subnet: "fd00:100::/64", gateway: "fd00:100::"}
            """)) == [
                "ipam.local.zones.dal10[0].gateway: fd00:100:: is the network address of fd00:100::/64; use a host address, e.g. fd00:100::1",
            ])
    }
}
