// KubeClient: typed verbs over the HTTP module, with auth, rate limiting and Status error decoding.
import CoreMetrics
import HTTP
import Logging

/// A Kubernetes API client: typed get/list/watch/create/update/patch/delete for any `KubernetesObject`.
///
/// Errors: every method throws `KubeAPIError` for an answer from the API server (any non-2xx status,
/// decoded from its `Status` body) and `KubeClientError` for everything else (transport, TLS, a request
/// that cannot be built, a body that does not decode).
///
/// Every non-watch request first passes the client-side rate limit when one is set (`Options.qps`/`burst`). With a
/// token-file credential the token is re-read at least once a minute, and a 401 re-reads it and retries
/// the request once when the token changed. Each exchange is counted and timed as client-go does
/// (`rest_client_requests_total`, `rest_client_request_duration_seconds`) through swift-metrics.
///
/// ```swift
/// let client = try KubeClient(configuration: .detect(kubeconfig: nil))
/// let node = try await client.get(Node.self, name: "worker-1")
/// ```
public final class KubeClient: Sendable {
    /// The server, TLS and credentials in use.
    public let configuration: KubeConfiguration
    /// The tuning in use.
    public let options: Options
    let http: HTTPClient
    let credentials: any CredentialProvider
    let throttle: (any RequestThrottle)?
    let logger: Logger
    let metrics: APIRequestMetrics

    /// A client for `configuration`, timing the rate limit and token reloads with `clock`.
    /// - Parameter metricsFactory: Where request counts and latencies go; the process-wide `MetricsSystem` by default.
    public init<C: Clock>(
        configuration: KubeConfiguration, options: Options = Options(), clock: C, logger: Logger = Logger(label: "kube-client"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) where C.Duration == Duration {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.metrics = APIRequestMetrics(factory: metricsFactory)
        self.http = HTTPClient(
            configuration: HTTPClient.Configuration(
                tls: configuration.tls, connectTimeout: options.connectTimeout, requestTimeout: options.requestTimeout,
                userAgent: options.userAgent),
            logger: logger)
        switch configuration.credentials {
        case .none: credentials = NoCredentials()
        case .token(let token): credentials = StaticTokenCredentials(token: token)
        case .tokenFile(let path): credentials = TokenFileCredentials(path: path, clock: clock)
        }
        throttle = options.isThrottled ? RequestRateLimiter(qps: options.qps, burst: options.burst, clock: clock) : nil
    }

    /// A client for `configuration` on the continuous clock.
    public convenience init(
        configuration: KubeConfiguration, options: Options = Options(), logger: Logger = Logger(label: "kube-client"),
        metricsFactory: any MetricsFactory = MetricsSystem.factory
    ) {
        self.init(
            configuration: configuration, options: options, clock: ContinuousClock(), logger: logger, metricsFactory: metricsFactory)
    }

    // MARK: - Reads

    /// Reads one object.
    ///
    /// - Parameter namespace: required for namespaced resources, `nil` for cluster-scoped ones.
    public func get<T: KubernetesObject>(_ type: T.Type, name: String, namespace: String? = nil) async throws -> T {
        let request = try KubeRequestBuilder(resource: T.resource).get(name: name, namespace: namespace)
        return try KubeJSON.decode(T.self, from: try await send(request).body)
    }

    /// Reads one page of a collection (`namespace: nil` = cluster-scoped or all namespaces).
    public func list<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions()
    ) async throws -> ObjectList<T> {
        let request = try KubeRequestBuilder(resource: T.resource).list(namespace: namespace, options: options)
        return try KubeJSON.decode(ObjectList<T>.self, from: try await send(request).body)
    }

    /// Reads a whole collection page by page (`options.limit`, default 500, as client-go's pager).
    ///
    /// The result's `metadata.resourceVersion` is the snapshot version of the first page (constant
    /// across pages); start a watch from it. When a `continue` token expires mid-way (410), the list
    /// restarts from the first page, at most `maximumRestarts` times.
    public func listAll<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: ListOptions = ListOptions(), maximumRestarts: Int = 3
    ) async throws -> ObjectList<T> {
        var restarts = 0
        while true {
            var pageOptions = options
            if pageOptions.limit == nil { pageOptions.limit = 500 }
            var result = ObjectList<T>()
            do {
                repeat {
                    let page = try await list(type, namespace: namespace, options: pageOptions)
                    if pageOptions.continueToken == nil { result.metadata.resourceVersion = page.metadata.resourceVersion }
                    result.items += page.items
                    pageOptions.continueToken = page.metadata.hasMorePages ? page.metadata.continueToken : nil
                    // The token pins the snapshot; the API rejects a resourceVersion next to it (client-go pager).
                    pageOptions.resourceVersion = nil
                    pageOptions.resourceVersionMatch = nil
                } while pageOptions.continueToken != nil
                return result
            } catch let error as KubeAPIError where (error.reason == .expired || error.reason == .gone) && restarts < maximumRestarts {
                restarts += 1
                logger.info(
                    "list continue token expired, restarting the list",
                    metadata: ["resource": "\(T.resource)", "restart": "\(restarts)"])
            }
        }
    }

    // MARK: - Writes

    /// Creates `object` (POST); `namespace` defaults to `object.metadata.namespace`.
    ///
    /// - Returns: the object as stored (uid, resourceVersion, defaults filled in).
    /// - Throws: `KubeAPIError` `.alreadyExists` when the name is taken, `.invalid` on validation errors.
    public func create<T: KubernetesObject>(
        _ object: T, namespace: String? = nil, options: WriteOptions = WriteOptions()
    ) async throws -> T {
        let request = try KubeRequestBuilder(resource: T.resource).create(
            namespace: namespace ?? object.metadata.namespace, body: try Self.encode(object), options: options)
        return try KubeJSON.decode(T.self, from: try await send(request).body)
    }

    /// Replaces `object` (PUT) at its `metadata.resourceVersion`; the server ignores `.status` when the
    /// resource has a status subresource.
    ///
    /// - Throws: `KubeAPIError` `.conflict` when the object changed since it was read.
    public func update<T: KubernetesObject>(_ object: T, options: WriteOptions = WriteOptions()) async throws -> T {
        let request = try KubeRequestBuilder(resource: T.resource).update(
            name: object.metadata.name, namespace: object.metadata.namespace, body: try Self.encode(object),
            options: options)
        return try KubeJSON.decode(T.self, from: try await send(request).body)
    }

    /// Replaces the status of `object` (PUT `/status`) at its `metadata.resourceVersion`.
    public func updateStatus<T: KubernetesObject>(_ object: T, options: WriteOptions = WriteOptions()) async throws -> T {
        let request = try KubeRequestBuilder(resource: T.resource).update(
            name: object.metadata.name, namespace: object.metadata.namespace, body: try Self.encode(object),
            subresource: .status, options: options)
        return try KubeJSON.decode(T.self, from: try await send(request).body)
    }

    /// Patches an object (merge patch or JSON patch), optionally a subresource of it.
    public func patch<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, patch: Patch, subresource: Subresource? = nil,
        options: WriteOptions = WriteOptions()
    ) async throws -> T {
        let request = try KubeRequestBuilder(resource: T.resource).patch(
            name: name, namespace: namespace, patch: patch, subresource: subresource, options: options)
        return try KubeJSON.decode(T.self, from: try await send(request).body)
    }

    /// Patches the status subresource of an object.
    public func patchStatus<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, patch: Patch, options: WriteOptions = WriteOptions()
    ) async throws -> T {
        try await self.patch(type, name: name, namespace: namespace, patch: patch, subresource: .status, options: options)
    }

    /// Deletes an object.
    ///
    /// - Returns: `.pending` when the object still exists (finalizers or graceful deletion hold it and it
    ///   now has `deletionTimestamp`), else `.deleted`; the object is included when the server returned it.
    ///   kube-apiserver answers 200 for an object held by finalizers (202 only with
    ///   `orphanDependents=false`), so "pending" is decided from the returned object, not the status code.
    /// - Throws: `KubeAPIError` `.notFound` when it does not exist, `.conflict` when a precondition fails.
    @discardableResult
    public func delete<T: KubernetesObject>(
        _ type: T.Type, name: String, namespace: String? = nil, options: DeleteOptions = DeleteOptions()
    ) async throws -> DeleteResult<T> {
        let request = try KubeRequestBuilder(resource: T.resource).delete(name: name, namespace: namespace, options: options)
        let response = try await send(request)
        // Some resources answer with a Status instead of the object; that is still a success.
        let object = try? KubeJSON.decode(T.self, from: response.body)
        let stillExists = response.status == 202 || object?.metadata.deletionTimestamp != nil
        return stillExists ? .pending(object) : .deleted(object)
    }

    // MARK: - Transport

    /// Sends a built request: rate limit, credentials, one retry after a 401 when the token changed,
    /// non-2xx → `KubeAPIError`.
    ///
    /// - Returns: the 2xx response.
    public func send(_ request: KubeRequest) async throws -> HTTPResponse {
        if let throttle, !request.isWatch { try await throttle.acquire() }
        var authorization = credentials.authorization()
        var response = try await transmit(request, authorization: authorization)
        if response.status == 401, credentials.refreshAfterUnauthorized(used: authorization) {
            logger.info("401 from the API server; retrying once with the re-read token", metadata: ["request": "\(request)"])
            authorization = credentials.authorization()
            response = try await transmit(request, authorization: authorization)
        }
        guard (200..<300).contains(response.status) else {
            let error = KubeAPIError.from(
                statusCode: response.status, retryAfterHeader: response.headers["Retry-After"], body: response.body)
            logger.debug("API error", metadata: ["request": "\(request)", "error": "\(error)"])
            throw error
        }
        return response
    }

    /// One exchange; the body is read through the streaming API so `maximumResponseBytes` bounds memory.
    private func transmit(_ request: KubeRequest, authorization: String?) async throws -> HTTPResponse {
        let started = ContinuousClock.now
        do {
            let response = try await http.stream(
                httpRequest(request, authorization: authorization, timeout: options.requestTimeout))
            let body = try await response.collectBody(upTo: options.maximumResponseBytes)
            metrics.record(request, code: response.status, duration: started.duration(to: .now))
            return HTTPResponse(status: response.status, headers: response.headers, body: body)
        } catch .cancelled {
            throw CancellationError()
        } catch {
            metrics.record(request, code: nil, duration: started.duration(to: .now))
            throw KubeClientError(.transport, "\(request) to \(configuration.server): \(error)", underlying: error)
        }
    }

    func httpRequest(_ request: KubeRequest, authorization: String?, timeout: Duration?) -> HTTPRequest {
        var headers = HTTPHeaders()
        for (name, value) in request.headers.sorted(by: { $0.key < $1.key }) { headers.add(name: name, value: value) }
        if let authorization { headers.replaceOrAdd(name: "Authorization", value: authorization) }
        return HTTPRequest(
            method: Self.method(request.method), url: configuration.server + request.path, headers: headers,
            body: request.body, timeout: timeout)
    }

    static func method(_ method: KubeRequest.Method) -> HTTPMethod {
        switch method {
        case .get: .get
        case .post: .post
        case .put: .put
        case .patch: .patch
        case .delete: .delete
        }
    }

    /// The JSON body of an object with `apiVersion` and `kind` set from its resource descriptor.
    static func encode<T: KubernetesObject>(_ object: T) throws(KubeClientError) -> [UInt8] {
        try KubeJSON.encode(TypedObjectEnvelope(object: object))
    }
}

/// The outcome of a successful delete.
public enum DeleteResult<T: KubernetesObject>: Sendable {
    /// The object is gone (its last state, when the server returned it).
    case deleted(T?)
    /// Deletion started (`deletionTimestamp` is set) but finalizers or graceful termination keep the
    /// object for now; it disappears when they are done (watch for DELETED).
    case pending(T?)
}
