// The HTTP client: sends requests and streams responses over libcurl, sharing connections.
import Logging

/// An HTTP/1.1 client on libcurl with connection reuse, streaming responses and TLS options.
///
/// All requests of one client share one libcurl multi handle driven by one background thread, so
/// keep-alive connections are reused across requests and tasks. Create one client per set of TLS
/// settings and keep it for the life of the process. Redirects are not followed. Like client-go, the
/// client honours the `https_proxy`/`http_proxy`/`no_proxy` environment variables (libcurl's default).
/// Requests on a client that is released continue until they end; the thread exits after the last one.
///
/// ```swift
/// let client = HTTPClient(configuration: .init(tls: .init(certificateAuthority: .file("/etc/ca.pem"))))
/// let response = try await client.send(HTTPRequest(url: "https://10.0.0.1:6443/version"))
/// ```
public final class HTTPClient: Sendable {
    /// The settings this client was created with.
    public let configuration: Configuration
    let engine: CurlEngine

    /// Creates a client and starts its background thread.
    public init(configuration: Configuration = .init(), logger: Logger = Logger(label: "http")) {
        self.configuration = configuration
        engine = CurlEngine(maximumIdleConnections: configuration.maximumIdleConnections, logger: logger)
    }

    deinit {
        engine.shutdownWhenIdle()
    }

    /// Sends a request and returns the whole response.
    ///
    /// Any status code is a response, not an error. A body beyond
    /// ``Configuration/maximumResponseBodySize`` aborts the transfer with ``HTTPError/transport(_:)``. The exchange may take at most the request's `timeout`,
    /// else ``Configuration/requestTimeout``. Cancelling the calling task aborts the transfer and throws
    /// ``HTTPError/cancelled``.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let prepared = try PreparedRequest(request, streaming: false, configuration: configuration)
        try Self.checkNotCancelled()
        let sink = engine.start(prepared, mode: .collect(limit: configuration.maximumResponseBodySize))
        return try await sink.response()
    }

    /// Sends a request and returns as soon as the response headers have arrived; the body follows through
    /// ``HTTPStreamingResponse/body`` or ``HTTPStreamingResponse/lines()``.
    ///
    /// The headers must arrive within ``Configuration/requestTimeout``; afterwards the stream may run
    /// until the request's `timeout` (none by default) and fails when no bytes arrive for
    /// ``Configuration/streamIdleTimeout``. Cancelling the task that waits here or that reads the body,
    /// or dropping the response, aborts the transfer.
    public func stream(_ request: HTTPRequest) async throws(HTTPError) -> HTTPStreamingResponse {
        let prepared = try PreparedRequest(request, streaming: true, configuration: configuration)
        try Self.checkNotCancelled()
        let sink = engine.start(prepared, mode: .stream(highWatermark: 1 << 20, lowWatermark: 256 << 10))
        let lease = TransferLease(sink: sink)
        let head = try await sink.head()
        return HTTPStreamingResponse(head: head, body: HTTPBody(lease: lease))
    }

    private static func checkNotCancelled() throws(HTTPError) {
        if Task.isCancelled { throw .cancelled }
    }
}
