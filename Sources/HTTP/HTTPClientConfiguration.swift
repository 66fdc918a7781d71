// Settings of an HTTP client: TLS and the timeouts, with their defaults.

extension HTTPClient {
    /// Settings shared by every request of one ``HTTPClient``.
    public struct Configuration: Sendable, Hashable {
        /// TLS settings for `https://` URLs.
        public var tls: TLSConfiguration
        /// The longest connecting (TCP and TLS handshake) may take. Default 10 s: shorter than client-go's
        /// 30 s dial timeout, because an operator next to its API server and IPAM should notice a dead
        /// peer sooner.
        public var connectTimeout: Duration
        /// The longest a ``HTTPClient/send(_:)`` exchange may take, from start to last body byte, when the
        /// request sets no timeout. For ``HTTPClient/stream(_:)`` it bounds only the wait for the response
        /// headers. Default 30 s.
        public var requestTimeout: Duration
        /// A stream that receives no bytes for this long fails with ``HTTPError/timedOut(_:)``; `nil`
        /// waits forever. Time while the consumer is slow and the client holds back the peer does not
        /// count. Default `nil`: a Kubernetes watch may be quiet for minutes; callers that need it set it
        /// a little above the server's heartbeat period.
        public var streamIdleTimeout: Duration?
        /// The largest body ``HTTPClient/send(_:)`` accepts; a larger one fails the request instead of
        /// exhausting memory. Streams are not limited (see ``HTTPStreamingResponse/collectBody(upTo:)``).
        /// Default 64 MiB.
        public var maximumResponseBodySize: Int
        /// How many idle connections the client keeps open for reuse beyond the most requests it has had in
        /// flight at once; libcurl closes connections unused for 118 s. Default 16.
        public var maximumIdleConnections: Int
        /// The `User-Agent` sent unless a request sets its own. Default `overlay-ip-controller`.
        public var userAgent: String

        /// Creates settings; every parameter has a documented default.
        public init(
            tls: TLSConfiguration = .init(), connectTimeout: Duration = .seconds(10),
            requestTimeout: Duration = .seconds(30), streamIdleTimeout: Duration? = nil,
            maximumResponseBodySize: Int = 64 << 20, maximumIdleConnections: Int = 16,
            userAgent: String = "overlay-ip-controller"
        ) {
            self.tls = tls
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.streamIdleTimeout = streamIdleTimeout
            self.maximumResponseBodySize = maximumResponseBodySize
            self.maximumIdleConnections = maximumIdleConnections
            self.userAgent = userAgent
        }
    }
}
