// The operations endpoint's routes: parses one HTTP/1.x request head and builds the whole response.
import Prometheus

/// Answers the fixed routes: `/healthz` and `/livez` (alive), `/readyz` (every check of a ``HealthState``
/// passes) and `/metrics` (the Prometheus text of a swift-prometheus registry). Pure: no I/O.
struct OpsResponder: Sendable {
    let metrics: PrometheusCollectorRegistry
    let health: HealthState

    /// The response to `head` (the bytes up to the blank line), including the status line and headers.
    /// Every response closes the connection; a head that is not `METHOD TARGET HTTP/1.x` gets 400.
    func respond(toHead head: some Collection<UInt8>) -> [UInt8] {
        let requestLine = head.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }
        let parts = requestLine.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        guard parts.count == 3, parts[2].starts(with: Array("HTTP/1.".utf8)) else {
            return Self.response(400, "Bad Request", "text/plain; charset=utf-8", "malformed request\n")
        }
        let method = String(decoding: parts[0], as: UTF8.self)
        let target = String(decoding: parts[1], as: UTF8.self)
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
        switch (method, path) {
        case ("GET", "/healthz"), ("GET", "/livez"):
            return Self.response(200, "OK", "text/plain; charset=utf-8", "ok\n")
        case ("GET", "/readyz"):
            let ready = health.isReady
            return Self.response(
                ready ? 200 : 503, ready ? "OK" : "Service Unavailable", "text/plain; charset=utf-8", health.report() + "\n")
        case ("GET", "/metrics"):
            return Self.response(200, "OK", "text/plain; version=0.0.4; charset=utf-8", String(decoding: metrics.emitToBuffer(), as: UTF8.self))
        case (_, "/healthz"), (_, "/readyz"), (_, "/metrics"):
            return Self.response(405, "Method Not Allowed", "text/plain; charset=utf-8", "only GET is allowed\n")
        default:
            return Self.response(404, "Not Found", "text/plain; charset=utf-8", "not found: try /healthz, /readyz or /metrics\n")
        }
    }

    private static func response(_ status: Int, _ reason: String, _ contentType: String, _ body: String) -> [UInt8] {
        let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n"
            + "Connection: close\r\n\r\n"
        return Array(head.utf8) + Array(body.utf8)
    }
}
