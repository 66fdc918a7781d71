// Pins the injected faults (5xx, resets, timeouts, malformed bodies, slow first answer) and the request counts.
import HTTP
import NetBoxEmulator
import Testing

@Suite("NetBox emulator: injected faults and request counts")
struct NetBoxFaultTests {
    @Test("injected 5xx answers come first, then normal service resumes; 500 has NetBox's JSON error shape")
    func injectedFailures() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults {
                $0.failNextRequests = 1
                $0.failureStatus = 502
            }
            let gateway = try await fixture.get("/api/ipam/prefixes/1/")
            #expect(gateway.status == 502 && gateway.json == nil)
            await fixture.emulator.injectFaults {
                $0.failNextRequests = 1
                $0.failureStatus = 500
            }
            let crash = try await fixture.get("/api/ipam/prefixes/1/")
            #expect(crash.status == 500 && crash.json?["netbox_version"]?.string == "4.6.8")
            #expect(try await fixture.get("/api/ipam/prefixes/1/").status == 200)
        }
    }

    @Test("only the operations named take the counted faults")
    func faultsPerOperation() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults {
                $0.failNextRequests = 1
                $0.faultOperations = [.allocate]
            }
            #expect(try await fixture.get("/api/ipam/prefixes/1/available-ips/").status == 200)
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}").status == 503)
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 2)
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}").status == 201)
        }
    }

    @Test("an injected reset fails the request at the transport level and allocates nothing")
    func injectedReset() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults { $0.resetNextConnections = 1 }
            await #expect(throws: HTTPError.self) {
                _ = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}")
            }
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}").json?["address"]?.string == "192.168.110.2/24")
        }
    }

    @Test("a dropped request gets no answer, so the client times out, and nothing is allocated")
    func droppedRequest() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults { $0.dropNextRequests = 1 }
            await #expect(throws: HTTPError.self) {
                _ = try await fixture.call(.post, "/api/ipam/prefixes/1/available-ips/", json: "{}", timeout: .milliseconds(300))
            }
            #expect(await fixture.emulator.addresses(inPrefix: 1).count == 2)
            #expect(try await fixture.post("/api/ipam/prefixes/1/available-ips/", "{}").status == 201)
        }
    }

    @Test("an injected malformed answer is a 200 whose body is not JSON")
    func malformedBody() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults { $0.malformNextResponses = 1 }
            let reply = try await fixture.get("/api/ipam/ip-addresses/")
            #expect(reply.status == 200 && reply.json == nil)
        }
    }

    @Test("the first-request delay is spent once and latencies stay set")
    func firstRequestDelay() async throws {
        try await NetBoxFixture.with { fixture async throws in
            await fixture.emulator.injectFaults {
                $0.firstRequestDelay = .milliseconds(20)
                $0.operationLatency = NetBoxFaults.recordedLatencies
            }
            #expect(try await fixture.get("/api/status/").status == 200)
            let pending = await fixture.emulator.pendingFaults
            #expect(pending.firstRequestDelay == .zero)
            #expect(pending.operationLatency[.allocate] == .microseconds(23_500))
            #expect(pending.operationLatency[.delete] == .milliseconds(47))
        }
    }

    @Test("requests are counted per operation and per path with ids as {id}")
    func requestCounts() async throws {
        try await NetBoxFixture.with { fixture async throws in
            _ = try await fixture.post("/api/ipam/prefixes/1/available-ips/", "[{},{}]")
            _ = try await fixture.post("/api/ipam/prefixes/3/available-ips/", "{}")
            _ = try await fixture.get("/api/ipam/ip-addresses/?tag=overlay")
            _ = try await fixture.get("/api/ipam/prefixes/1/available-ips/")
            _ = try await fixture.call(.delete, "/api/ipam/ip-addresses/5/")
            let operations = await fixture.emulator.operationCounts
            #expect(operations == [.allocate: 2, .list: 1, .listAvailable: 1, .delete: 1])
            let paths = await fixture.emulator.requestCounts
            #expect(paths["POST /api/ipam/prefixes/{id}/available-ips/"] == 2)
            #expect(paths["DELETE /api/ipam/ip-addresses/{id}/"] == 1)
            #expect(await fixture.emulator.totalRequests == 5)
            await fixture.emulator.resetRequestCounts()
            #expect(await fixture.emulator.totalRequests == 0)
        }
    }
}
