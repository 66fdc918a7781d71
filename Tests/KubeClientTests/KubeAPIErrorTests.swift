// Tests of KubeAPIError: Status bodies per reason, unknown bodies, Retry-After.
import Testing

@testable import KubeClient

@Suite("API error decoding")
struct KubeAPIErrorTests {
    private func error(_ code: Int, _ reason: String, retryAfter: String? = nil) -> KubeAPIError {
        let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"\#(reason)","code":\#(code)}"#
        return KubeAPIError.from(statusCode: code, retryAfterHeader: retryAfter, body: Array(body.utf8))
    }

    @Test(
        "each Status reason maps to its typed reason",
        arguments: [
            (404, "NotFound", KubeAPIError.Reason.notFound), (409, "AlreadyExists", .alreadyExists),
            (409, "Conflict", .conflict), (422, "Invalid", .invalid), (410, "Gone", .gone), (410, "Expired", .expired),
            (403, "Forbidden", .forbidden), (401, "Unauthorized", .unauthorized), (429, "TooManyRequests", .tooManyRequests),
            (500, "InternalError", .serverError), (504, "Timeout", .serverError), (405, "MethodNotAllowed", .other),
        ])
    func reasons(code: Int, reason: String, expected: KubeAPIError.Reason) {
        let decoded = error(code, reason)
        #expect(decoded.reason == expected)
        #expect(decoded.code == code)
        #expect(decoded.status.message == "m")
    }

    @Test("invalid carries its causes into the description")
    func invalidCauses() {
        let body = #"""
            {"kind":"Status","status":"Failure","reason":"Invalid","code":422,"message":"NodeOverlayIp.iks.ibm.com \"n1\" is invalid",
            "details":{"name":"n1","group":"iks.ibm.com","kind":"NodeOverlayIp","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.subnet"}]}}
            """#
        let decoded = KubeAPIError.from(statusCode: 422, retryAfterHeader: nil, body: Array(body.utf8))
        #expect(decoded.reason == .invalid)
        #expect(decoded.status.details?.causes?.first?.field == "spec.subnet")
        #expect(decoded.description.contains("spec.subnet: Required value"))
    }

    @Test("an unknown body still gives a clear error with the HTTP code and the body text")
    func unknownBody() {
        let decoded = KubeAPIError.from(statusCode: 502, retryAfterHeader: nil, body: Array("<html>Bad Gateway</html>".utf8))
        #expect(decoded.code == 502)
        #expect(decoded.reason == .serverError)
        #expect(decoded.description.contains("HTTP 502: <html>Bad Gateway</html>"))
        let empty = KubeAPIError.from(statusCode: 404, retryAfterHeader: nil, body: [])
        #expect(empty.reason == .notFound)
        #expect(empty.description.contains("empty body"))
    }

    @Test("429 takes Retry-After from the header, else from details.retryAfterSeconds")
    func retryAfter() {
        let fromHeader = error(429, "TooManyRequests", retryAfter: "3")
        #expect(fromHeader.retryAfter == .seconds(3))
        #expect(fromHeader.isRetryable)
        let body = #"{"kind":"Status","reason":"TooManyRequests","code":429,"details":{"retryAfterSeconds":7}}"#
        let fromBody = KubeAPIError.from(statusCode: 429, retryAfterHeader: nil, body: Array(body.utf8))
        #expect(fromBody.retryAfter == .seconds(7))
        #expect(!error(409, "Conflict").isRetryable)
    }
}
