// KubeClientError: every client-side failure that is not an answer from the API server.

/// A failure on the client side: bad configuration, a request that cannot be built, a transport error,
/// or a body that does not decode. Answers from the API server are `KubeAPIError` instead.
public struct KubeClientError: Error, Sendable, CustomStringConvertible {
    /// Which step failed.
    public enum Code: Sendable, Hashable {
        /// A value could not be encoded as JSON.
        case encoding
        /// A response body or watch line did not decode as the expected type.
        case decoding
        /// The request cannot be built (missing namespace, invalid name, bad option).
        case invalidRequest
        /// The kubeconfig or in-cluster environment is unusable.
        case configuration
        /// The HTTP transport failed (connection, TLS, timeout); see `underlying`.
        case transport
    }

    /// Which step failed.
    public let code: Code
    /// What is wrong and, where possible, what to do about it.
    public let message: String
    /// The lower-level error, e.g. the `HTTPError` of a transport failure.
    public let underlying: (any Error & Sendable)?

    /// Creates an error for `code` with a message that says what is wrong and what to do.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// The message, prefixed by the failing step.
    public var description: String {
        let step: String
        switch code {
        case .encoding: step = "encoding"
        case .decoding: step = "decoding"
        case .invalidRequest: step = "invalid request"
        case .configuration: step = "configuration"
        case .transport: step = "transport"
        }
        return "kube client \(step): \(message)"
    }
}
