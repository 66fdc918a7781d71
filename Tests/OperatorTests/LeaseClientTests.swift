// Lease renewals never wait behind bulk writes: the elector's client has no client-side limit.
import KubeClient
import Logging
import Testing

@testable import Operator

@Suite("Leader election client")
struct LeaseClientTests {
    @Test("with --qps set, the elector gets a copy of the client without the limit; without it, the client itself")
    func electorClientIsNeverThrottled() {
        let throttled = KubeClient(
            configuration: KubeConfiguration(server: "https://127.0.0.1:6443"), options: .init(qps: 5, burst: 10))
        #expect(throttled.options.isThrottled)
        let copy = OperatorProcess.leaseClient(for: throttled, logger: Logger(label: "test"))
        #expect(!copy.options.isThrottled)
        #expect(copy.configuration.server == throttled.configuration.server)
        let unthrottled = KubeClient(configuration: KubeConfiguration(server: "https://127.0.0.1:6443"))
        #expect(OperatorProcess.leaseClient(for: unthrottled, logger: Logger(label: "test")) === unthrottled)
    }
}
