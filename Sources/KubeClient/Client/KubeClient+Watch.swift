// KubeClient.watch: a pull-based stream of watch events over one streaming HTTP response.
import HTTP
import Logging

extension KubeClient {
    /// Watches a collection: one `WatchEvent` per line the server sends.
    ///
    /// The request is sent when the stream is first iterated; events are read from the connection only
    /// as fast as the consumer asks for them (no unbounded buffer). The stream
    /// - ends (returns `nil`) when the server closes the watch, e.g. after `timeoutSeconds`: reconnect from
    ///   the last seen resourceVersion, no relist needed;
    /// - yields `.error(Status)` for in-stream errors; a 410 there (`Expired`/`Gone`) means relist;
    /// - throws `KubeAPIError` when the server refuses to start the watch (e.g. HTTP 410, 403), and
    ///   `KubeClientError` (`.transport`) when the connection fails mid-way — resume from the last
    ///   resourceVersion;
    /// - skips, with an error log, a line that does not decode as `T` (ending the stream there would make
    ///   every reconnect fail on the same event).
    ///
    /// Cancelling the consuming task, or dropping the stream, aborts the HTTP transfer.
    /// Watches are not rate limited.
    public func watch<T: KubernetesObject>(
        _ type: T.Type, namespace: String? = nil, options: WatchOptions = WatchOptions()
    ) -> AsyncThrowingStream<WatchEvent<T>, any Error> {
        let cursor = WatchCursor<T>(client: self, namespace: namespace, options: options)
        return AsyncThrowingStream(unfolding: { try await cursor.next() })
    }

    /// Opens a streaming request: credentials, one retry after a 401 when the token changed,
    /// non-2xx → `KubeAPIError` (the error body is read, up to 1 MiB).
    func openStream(_ request: KubeRequest, timeout: Duration?) async throws -> HTTPStreamingResponse {
        var authorization = credentials.authorization()
        var response = try await openStreamOnce(request, authorization: authorization, timeout: timeout)
        if response.status == 401, credentials.refreshAfterUnauthorized(used: authorization) {
            logger.info("401 from the API server; retrying the watch once with the re-read token", metadata: ["request": "\(request)"])
            authorization = credentials.authorization()
            response = try await openStreamOnce(request, authorization: authorization, timeout: timeout)
        }
        guard (200..<300).contains(response.status) else {
            let body = (try? await response.collectBody(upTo: 1 << 20)) ?? []
            throw KubeAPIError.from(statusCode: response.status, retryAfterHeader: response.headers["Retry-After"], body: body)
        }
        return response
    }

    private func openStreamOnce(_ request: KubeRequest, authorization: String?, timeout: Duration?) async throws
        -> HTTPStreamingResponse
    {
        let started = ContinuousClock.now
        do {
            let response = try await http.stream(httpRequest(request, authorization: authorization, timeout: timeout))
            metrics.record(request, code: response.status, duration: started.duration(to: .now))
            return response
        } catch .cancelled {
            throw CancellationError()
        } catch {
            metrics.record(request, code: nil, duration: started.duration(to: .now))
            throw KubeClientError(.transport, "\(request) to \(configuration.server): \(error)", underlying: error)
        }
    }
}

/// The state of one watch stream: not started, reading lines, or finished. Only one consumer calls
/// `next()` at a time (an `AsyncThrowingStream` has a single iterator), so the actor is never re-entered.
actor WatchCursor<T: KubernetesObject> {
    private let client: KubeClient
    private let namespace: String?
    private let options: WatchOptions
    private var lines: HTTPBodyLines.AsyncIterator?
    private var finished = false

    init(client: KubeClient, namespace: String?, options: WatchOptions) {
        self.client = client
        self.namespace = namespace
        self.options = options
    }

    func next() async throws -> WatchEvent<T>? {
        if finished { return nil }
        do {
            var iterator = try await start()
            defer { lines = iterator }
            while true {
                let line: [UInt8]?
                do {
                    line = try await iterator.next()
                } catch .cancelled {
                    throw CancellationError()
                } catch {
                    throw KubeClientError(.transport, "watch of \(T.resource) broke: \(error)", underlying: error)
                }
                guard let line else {
                    finished = true
                    return nil
                }
                do {
                    if let event = try WatchEventDecoder.decode(T.self, line: line) { return event }
                } catch {
                    client.logger.error(
                        "skipping a watch event that does not decode",
                        metadata: ["resource": "\(T.resource)", "error": "\(error)"])
                }
            }
        } catch {
            finished = true
            lines = nil
            throw error
        }
    }

    private func start() async throws -> HTTPBodyLines.AsyncIterator {
        if let lines { return lines }
        let request = try KubeRequestBuilder(resource: T.resource).watch(namespace: namespace, options: options)
        let timeout = options.timeoutSeconds.map { Duration.seconds($0) + client.options.watchGracePeriod }
        let response = try await client.openStream(request, timeout: timeout)
        return response.lines().makeAsyncIterator()
    }
}
