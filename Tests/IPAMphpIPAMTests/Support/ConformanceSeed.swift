// Turns the conformance suite's fixture layout into an emulator seed and a phpIPAM subnet map.
import IPAddressing
import IPAMConformance
import IPAMCore
import IPAMphpIPAM
import PhpIPAMEmulator

enum ConformanceSeed {
    /// The first phpIPAM subnet id given to the fixture's subnets (then counting up in fixture order).
    static let firstSubnetID = 101

    /// The example server's apps and user, with the fixture's subnets (gateway and reserved rows included)
    /// instead of the example subnets.
    static func seed(for fixture: ConformanceFixture) -> PhpIPAMSeed {
        var seed = PhpIPAMSeed.example
        seed.subnets = []
        var id = firstSubnetID
        for zone in fixture.zones {
            for subnet in zone.subnets {
                seed.subnets.append(.init(
                    id: id, cidr: subnet.prefix, description: "conformance \(zone.name)", gateway: subnet.gateway,
                    reserved: subnet.reserved.flatMap(expand)))
                id += 1
            }
        }
        return seed
    }

    /// The zone → subnet-id map matching ``seed(for:)``.
    static func subnetMap(for fixture: ConformanceFixture) -> [PhpIPAMZoneSubnets] {
        var id = firstSubnetID
        return fixture.zones.map { zone in
            let ids = Array(id..<(id + zone.subnets.count))
            id += zone.subnets.count
            return PhpIPAMZoneSubnets(zone: zone.name, subnetIDs: ids)
        }
    }

    /// Every address of a single address or a range (`a.b.c.d-a.b.c.e`, `fd00::15-fd00::16`).
    private static func expand(_ text: String) -> [String] {
        guard let range = IPRange(text) else { return [text] }
        var addresses: [String] = []
        var current: IPAddress? = range.first
        while let address = current, address <= range.last {
            addresses.append(address.description)
            current = address.advanced(by: 1)
        }
        return addresses
    }
}
