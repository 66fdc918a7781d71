// Pure decoding and classification rules of the phpIPAM backend: lenient numbers, missing gateways, errors, expiry.
import Foundation
import HTTP
import IPAddressing
import IPAMCore
import Testing

@testable import IPAMphpIPAM

@Suite("phpIPAM backend: decoding and error mapping")
struct PhpIPAMDecodingTests {
    private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test("a subnet decodes from numbers or strings (api-stringify-results) and takes the gateway object")
    func subnetTypes() throws {
        let numbers = try decode(PhpIPAMSubnetRecord.self, #"{"id":7,"subnet":"192.168.100.0","mask":"24","isFull":0,"gatewayId":11,"gateway":{"ip_addr":"192.168.100.1","id":11}}"#)
        let strings = try decode(PhpIPAMSubnetRecord.self, #"{"id":"7","subnet":"192.168.100.0","mask":24,"isFull":"1","gatewayId":"11","gateway":{"ip_addr":"192.168.100.1","id":"11"}}"#)
        #expect(numbers.id == 7 && strings.id == 7)
        #expect(numbers.prefix == IPPrefix("192.168.100.0/24") && strings.prefix == numbers.prefix)
        #expect(numbers.gateway == IPAddress("192.168.100.1") && strings.gateway == numbers.gateway)
        #expect(!numbers.isFull && strings.isFull)
    }

    @Test("a subnet without gateway keys decodes with no gateway")
    func subnetWithoutGateway() throws {
        let record = try decode(PhpIPAMSubnetRecord.self, #"{"id":9,"subnet":"192.168.102.0","mask":"29"}"#)
        #expect(record.gateway == nil)
    }

    @Test("address rows accept string ids, decimal-string IPs and keep custom fields; bad rows are skipped")
    func addressRows() throws {
        let list = try decode(PhpIPAMAddressList.self, """
            [{"id":"15","subnetId":"7","ip":"3232261127","hostname":"n1","owner":"c1","custom_cluster":"c1","is_gateway":0},
             {"id":16,"subnetId":7,"ip":"192.168.100.8","hostname":null,"owner":null,"is_gateway":"1"},
             {"id":"x","ip":"nonsense"}]
            """)
        #expect(list.skipped == 1)
        #expect(list.rows.map(\.ip) == [IPAddress("192.168.100.7"), IPAddress("192.168.100.8")].compactMap { $0 })
        #expect(list.rows[0].id == 15 && list.rows[0].subnetID == 7)
        #expect(list.rows[0].fields["custom_cluster"] == "c1")
        #expect(list.rows[1].hostname == nil && list.rows[1].isGateway)
    }

    @Test("an error envelope, an empty HTML 500 and a cut body each become the right answer state")
    func answers() throws {
        let envelope = PhpIPAMAnswer(
            status: 404, headers: [:], body: Array(#"{"code":404,"success":false,"message":"No free addresses found","time":0.001}"#.utf8), step: "POST x")
        #expect(envelope.message == "No free addresses found")
        let empty = PhpIPAMAnswer(status: 500, headers: ["Content-Type": "text/html"], body: [], step: "DELETE y")
        #expect(empty.message == nil)
        #expect(PhpIPAMErrorMapping.map(empty.failure).isRetryable)
        let cut = PhpIPAMAnswer(status: 200, headers: [:], body: Array(#"{"code":200,"succ"#.utf8), step: "GET z")
        #expect(throws: IPAMError.self) { _ = try cut.payload(String.self) }
        #expect((try? cut.payload(String.self)) == nil)
    }

    @Test("permanent phpIPAM refusals are not retryable; server trouble and the login block are")
    func classification() {
        func map(_ status: Int, _ message: String?) -> IPAMError {
            PhpIPAMErrorMapping.map(PhpIPAMFailure(status: status, message: message, step: "step"))
        }
        #expect(!map(400, "Invalid application id").isRetryable)
        #expect(!map(503, "SSL connection is required for API").isRetryable)
        #expect(!map(503, "Application disabled").isRetryable)
        #expect(!map(401, "invalid permissions").isRetryable)
        #expect(!map(500, "Invalid username or password").isRetryable)
        #expect(!map(500, "Error: SQLSTATE[22001]: String data, right truncated").isRetryable)
        #expect(map(500, "Your IP has been blocked for 5 minutes because of excessive login failures").isRetryable)
        #expect(map(502, nil).isRetryable)
        #expect(map(503, nil).isRetryable)
        #expect(PhpIPAMErrorMapping.map(HTTPError.timedOut("x"), url: "u").isRetryable)
        #expect(PhpIPAMErrorMapping.map(HTTPError.connectionFailed("x"), url: "u").isRetryable)
        #expect(!PhpIPAMErrorMapping.map(HTTPError.tls("x"), url: "u").isRetryable)
    }

    @Test("expires is read as UTC and renewal starts five minutes before it; odd values are ignored")
    func tokenLifetime() {
        let issued = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18 11:06:40 UTC
        let lifetime = PhpIPAMTokenLifetime(expires: "2026-11-18 17:06:40", receivedAt: issued)
        #expect(lifetime.renewAt == issued.addingTimeInterval(21_600 - 300))
        #expect(!lifetime.needsRenewal(at: issued.addingTimeInterval(21_000)))
        #expect(lifetime.needsRenewal(at: issued.addingTimeInterval(21_300)))
        #expect(PhpIPAMTokenLifetime(expires: "garbage", receivedAt: issued).renewAt == nil)
        #expect(PhpIPAMTokenLifetime(expires: "2026-11-18 11:00:00", receivedAt: issued).renewAt == nil)
    }

    @Test("the API base is url + /api/ + appID, also when the url ends in / or /api")
    func apiBase() throws {
        #expect(try PhpIPAMBackend.apiBase(url: "https://ipam.example.com/", appID: "iks") == "https://ipam.example.com/api/iks")
        #expect(try PhpIPAMBackend.apiBase(url: "https://ipam.example.com/api", appID: "iks") == "https://ipam.example.com/api/iks")
        #expect(throws: IPAMError.self) { try PhpIPAMBackend.apiBase(url: "ipam.example.com", appID: "iks") }
    }
}
