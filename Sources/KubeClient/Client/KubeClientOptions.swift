// KubeClient.Options: rate limit, timeouts and identification of one client.

extension KubeClient {
    /// Tuning of one client; every field has a documented default.
    public struct Options: Sendable, Hashable {
        /// Requests per second allowed by the client-side rate limit (watches are exempt). Default 0:
        /// no client-side limit, the API server's Priority and Fairness protects it (as controller-runtime
        /// does). 0, a negative or a non-finite value means no limit.
        public var qps: Double
        /// Requests allowed back to back after a quiet period when `qps` is set; below 1 it becomes
        /// `qps` rounded up. Default 0.
        public var burst: Int
        /// `false` turns client-side rate limiting off whatever `qps` says (tests, tools). Default `true`.
        public var rateLimited: Bool
        /// The longest one non-watch request may take. Default 30 s.
        public var requestTimeout: Duration
        /// The longest connecting (TCP + TLS) may take. Default 10 s.
        public var connectTimeout: Duration
        /// Extra time after a watch's `timeoutSeconds` before the client gives up on the stream itself.
        /// Default 30 s.
        public var watchGracePeriod: Duration
        /// The `User-Agent` header. Default `overlay-ip-controller`.
        public var userAgent: String
        /// The largest response body accepted for one non-watch request; a larger one fails with a
        /// transport error instead of exhausting memory. Default 64 MiB (a list page of 500 large objects
        /// stays far below it).
        public var maximumResponseBytes: Int

        /// Options with the documented defaults.
        public init(
            qps: Double = 0, burst: Int = 0, rateLimited: Bool = true, requestTimeout: Duration = .seconds(30),
            connectTimeout: Duration = .seconds(10), watchGracePeriod: Duration = .seconds(30),
            userAgent: String = "overlay-ip-controller", maximumResponseBytes: Int = 64 << 20
        ) {
            self.qps = qps
            self.burst = burst
            self.rateLimited = rateLimited
            self.requestTimeout = requestTimeout
            self.connectTimeout = connectTimeout
            self.watchGracePeriod = watchGracePeriod
            self.userAgent = userAgent
            self.maximumResponseBytes = maximumResponseBytes
        }

        /// Whether requests pass a client-side rate limit: `rateLimited` and a positive, finite `qps`.
        public var isThrottled: Bool { rateLimited && qps > 0 && qps.isFinite }
    }
}
