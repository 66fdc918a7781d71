// The StaticRoute CRD's schema over HTTP: subnet and gateway of either family, never of two families at once.
import KubeClient
import OverlayAPI
import Testing

@Suite("StaticRoute schema")
struct StaticRouteSchemaTests {
    @Test("an IPv6 StaticRoute with an IPv6 gateway, or none, is accepted; one mixing the families is rejected with the rule's message")
    func familiesMustMatch() async throws {
        try await AgentCluster.with(hostIP: "10.77.0.10") { cluster in
            _ = try await cluster.client.create(
                StaticRoute(metadata: ObjectMeta(name: "v6"), spec: StaticRouteSpec(subnet: "fd01::/64", gateway: "fd00:100::1")))
            _ = try await cluster.client.create(StaticRoute(metadata: ObjectMeta(name: "v6-default-gateway"), spec: StaticRouteSpec(subnet: "fd01::/64")))
            _ = try await cluster.client.create(
                StaticRoute(metadata: ObjectMeta(name: "v4"), spec: StaticRouteSpec(subnet: "10.1.0.0/16", gateway: "192.168.100.1")))

            for (name, subnet, gateway) in [("v6-via-v4", "fd01::/64", "192.168.100.1"), ("v4-via-v6", "10.1.0.0/16", "fd00:100::1")] {
                let error = await #expect(throws: KubeAPIError.self) {
                    _ = try await cluster.client.create(
                        StaticRoute(metadata: ObjectMeta(name: name), spec: StaticRouteSpec(subnet: subnet, gateway: gateway)))
                }
                #expect(error?.reason == .invalid)
                let cause = error?.status.details?.causes?.first
                #expect(cause?.field == "spec.gateway")
                #expect(
                    cause?.message?.contains(
                        "subnet and gateway must be of the same address family (both IPv4 or both IPv6), e.g. subnet fd01::/64 with gateway fd00:100::1")
                        == true, "\(String(describing: error))")
            }
        }
    }
}
