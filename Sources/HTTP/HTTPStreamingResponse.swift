// A response whose body arrives over time: status and headers first, then chunks or lines.

/// A response from ``HTTPClient/stream(_:)``: the final status and headers, and a body read as it arrives.
///
/// Read the body once, either as chunks through ``body`` or as lines through ``lines()``. Cancelling the
/// reading task, or dropping the response and its iterators before the end, aborts the transfer and
/// closes its connection.
public struct HTTPStreamingResponse: Sendable {
    /// The status code of the final response.
    public let status: Int
    /// The response header fields.
    public let headers: HTTPHeaders
    /// The body as byte chunks of arbitrary size, in order.
    public let body: HTTPBody

    init(head: ResponseHead, body: HTTPBody) {
        status = head.status
        headers = head.headers
        self.body = body
    }

    /// The body as lines: each `\n`-terminated line without its `\n` (and without a `\r` before it); a line
    /// split across chunks comes out whole, a last line without `\n` comes out at the end, and empty lines
    /// come out as empty arrays.
    public func lines() -> HTTPBodyLines {
        HTTPBodyLines(body: body)
    }

    /// Reads the rest of the body into one array, failing with ``HTTPError/transport(_:)`` beyond
    /// `limit` bytes.
    public func collectBody(upTo limit: Int) async throws(HTTPError) -> [UInt8] {
        var collected: [UInt8] = []
        var iterator = body.makeAsyncIterator()
        while let chunk = try await iterator.next() {
            guard collected.count + chunk.count <= limit else {
                throw .transport("the response body is larger than the \(limit) bytes allowed")
            }
            collected.append(contentsOf: chunk)
        }
        return collected
    }
}

/// The body of an ``HTTPStreamingResponse`` as byte chunks.
///
/// The client buffers at most about 1 MiB ahead of the reader and then holds the peer back (TCP flow
/// control), so a slow reader never makes memory grow. Read it once; iterators share one transfer.
public struct HTTPBody: AsyncSequence, Sendable {
    /// A chunk of body bytes.
    public typealias Element = [UInt8]
    /// Why the body could not be read to the end.
    public typealias Failure = HTTPError

    let lease: TransferLease

    /// Reads the chunks in order.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let lease: TransferLease

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next() async throws(HTTPError) -> [UInt8]? {
            try await lease.sink.nextChunk()
        }

        /// The next chunk, or `nil` at the end of the body.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(HTTPError) -> [UInt8]? {
            try await lease.sink.nextChunk()
        }
    }

    /// Creates an iterator over the chunks.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(lease: lease)
    }
}

/// The body of an ``HTTPStreamingResponse`` as lines (see ``HTTPStreamingResponse/lines()``).
public struct HTTPBodyLines: AsyncSequence, Sendable {
    /// One line without its line ending.
    public typealias Element = [UInt8]
    /// Why the body could not be read to the end.
    public typealias Failure = HTTPError

    let body: HTTPBody

    /// Reads the lines in order.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        var chunks: HTTPBody.AsyncIterator
        var splitter = LineSplitter()
        var ready: [[UInt8]] = []
        var nextReady = 0
        var ended = false

        /// The next line, or `nil` after the last one.
        public mutating func next() async throws(HTTPError) -> [UInt8]? {
            while nextReady == ready.count {
                guard !ended else { return nil }
                if let chunk = try await chunks.next() {
                    ready = splitter.append(chunk)
                } else {
                    ended = true
                    ready = splitter.finish().map { [$0] } ?? []
                }
                nextReady = 0
            }
            defer { nextReady += 1 }
            return ready[nextReady]
        }

        /// The next line, or `nil` after the last one.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(HTTPError) -> [UInt8]? {
            try await next()
        }
    }

    /// Creates an iterator over the lines.
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }
}

/// Keeps one streaming transfer alive while a response or iterator refers to it; aborts it when the last
/// reference goes away before the end.
final class TransferLease: Sendable {
    let sink: ResponseSink

    init(sink: ResponseSink) {
        self.sink = sink
    }

    deinit {
        sink.cancel()
    }
}
