// Tests that IPAM errors say what is wrong and what to do, and which ones are retryable.
import IPAMCore
import IPAddressing
import Testing

@Suite("IPAMError")
struct IPAMErrorTests {
    @Test("an unknown zone lists the configured zones and the fix")
    func unknownZone() {
        #expect(IPAMError.unknownZone("wdc04", known: ["dal12", "dal10"]).description
            == "zone wdc04 has no subnets configured (configured zones: dal10, dal12); add it to the IPAM configuration or fix the node's zone label")
    }

    @Test("an exhausted zone names the subnets tried")
    func exhausted() {
        #expect(IPAMError.zoneExhausted(zone: "dal10", subnets: ["10.0.0.0/24", "10.0.1.0/24"]).description
            == "zone dal10 has no free address in 10.0.0.0/24, 10.0.1.0/24; add a subnet to the zone or release unused addresses")
    }

    @Test("only an unavailable backend is retryable")
    func retryable() throws {
        #expect(IPAMError.backendUnavailable("connection refused").isRetryable)
        #expect(!IPAMError.rejected("bad app id").isRetryable)
        #expect(!IPAMError.addressHeld(try IPAddress(parsing: "10.0.0.4"), by: IPAMOwner(clusterID: "c", nodeName: "n")).isRetryable)
    }

    @Test("an owner prints as cluster/node")
    func ownerDescription() {
        #expect(IPAMOwner(clusterID: "prod-dal", nodeName: "10.0.0.7").description == "prod-dal/10.0.0.7")
    }
}
