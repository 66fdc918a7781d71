// The counting wrapper the steady-state tests and benchmarks read: it forwards every requirement and counts each call.
import IPAMConformance
import IPAMCore
import Operator
import Testing

@Suite("Counting IPAM wrapper")
struct CountingIPAMTests {
    @Test("every requirement reaches the wrapped backend, the ones with default implementations included, and is counted")
    func forwardsAndCountsEveryRequirement() async throws {
        var counting: CountingIPAM?
        try await IPAMWrapperForwarding.check { backend in
            let wrapper = CountingIPAM(backend)
            counting = wrapper
            return wrapper
        }
        let calls = try #require(counting).calls
        for operation in ["families", "reserve", "reserveZone", "reclaim", "release", "allocation", "allocations", "usage", "zones", "adopt", "legacyAllocations"] {
            #expect(calls[operation] == 1, "\(operation): \(calls)")
        }
    }
}
