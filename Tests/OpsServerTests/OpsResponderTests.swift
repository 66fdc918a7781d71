// Tests of the operations endpoint's routing and response bytes, without sockets.
import Prometheus
import Testing

@testable import OpsServer

@Suite("Operations endpoint responses")
struct OpsResponderTests {
    private let responder = OpsResponder(metrics: PrometheusCollectorRegistry(), health: HealthState())

    private func respond(_ head: String) -> String {
        String(decoding: responder.respond(toHead: Array(head.utf8)), as: UTF8.self)
    }

    @Test("a GET of /healthz with a query answers 200 with a length and closes the connection")
    func healthz() {
        #expect(respond("GET /healthz?verbose=1 HTTP/1.1\r\nHost: node\r\n")
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n")
    }

    @Test("another method on a known route is 405, an unknown route 404, a malformed head 400")
    func errors() {
        #expect(respond("POST /metrics HTTP/1.1\r\n").hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(respond("GET /nope HTTP/1.0\r\n").hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(respond("GET /healthz\r\n").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(respond("").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
    }
}
