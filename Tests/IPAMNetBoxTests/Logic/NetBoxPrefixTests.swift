// Tests of the addresses a prefix never hands out and of finding its gateway among its IP addresses.
@testable import IPAMNetBox
import IPAddressing
import Testing

@Suite("NetBox prefix rules")
struct NetBoxPrefixTests {
    func prefix(_ text: String, gateway: String, populated: [String] = []) -> NetBoxPrefix {
        NetBoxPrefix(
            id: 1, prefix: IPPrefix(text)!, gateway: IPAddress(gateway)!, zone: "z", path: "ipam.netbox.prefixMap.z[0]",
            populatedRanges: populated.map { IPRange($0)! })
    }

    @Test("network, broadcast, gateway and populated ranges are refused; other hosts are not", arguments: [
        ("192.168.112.0", "network address of 192.168.112.0/29"),
        ("192.168.112.7", "broadcast address of 192.168.112.0/29"),
        ("192.168.112.1", "gateway of 192.168.112.0/29"),
        ("192.168.112.3", "in the populated IP range 192.168.112.2-192.168.112.4"),
        ("192.168.113.1", "outside 192.168.112.0/29"),
    ])
    func refusals(address: String, reason: String) {
        let prefix = prefix("192.168.112.0/29", gateway: "192.168.112.1", populated: ["192.168.112.2-192.168.112.4"])
        #expect(prefix.refusal(for: IPAddress(address)!) == reason)
        #expect(prefix.refusal(for: IPAddress("192.168.112.5")!) == nil)
        #expect(prefix.assignableCount == 2)
    }

    @Test("IPv6 refuses the subnet-router anycast address but not the last address")
    func ipv6() {
        let prefix = prefix("fd00:111::/126", gateway: "fd00:111::1")
        #expect(prefix.refusal(for: IPAddress("fd00:111::")!) == "subnet-router anycast address of fd00:111::/126")
        #expect(prefix.refusal(for: IPAddress("fd00:111::3")!) == nil)
    }

    func address(_ ip: String, description: String = "", role: String? = nil) -> NetBoxAddressRecord {
        NetBoxAddressRecord(id: 1, ip: IPAddress(ip)!, prefixLength: 24, status: "active", role: role, description: description)
    }

    @Test("the gateway is the address described gateway in any case, else one with a first-hop role")
    func gateway() {
        let prefix = IPPrefix("192.168.110.0/24")!
        #expect(NetBoxPrefix.gateway(among: [address("192.168.110.9", role: "vrrp"), address("192.168.110.5", description: " GateWay ")], in: prefix)
            == IPAddress("192.168.110.5"))
        #expect(NetBoxPrefix.gateway(among: [address("192.168.110.9", role: "hsrp"), address("192.168.110.3", role: "loopback")], in: prefix)
            == IPAddress("192.168.110.9"))
        #expect(NetBoxPrefix.gateway(among: [address("192.168.111.1", description: "gateway"), address("192.168.110.4", description: "gw")], in: prefix) == nil)
    }
}
