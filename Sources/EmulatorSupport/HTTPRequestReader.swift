// Collects a connection's request parts into whole requests (head plus body) and hands them out one by one.
import NIOCore
import NIOHTTP1

/// Reads the requests of one HTTP/1.1 connection in order.
package enum HTTPRequestReader {
    /// What to do after a request was handled.
    package enum Next: Sendable {
        /// Read the next request on the connection.
        case readNext
        /// Stop reading; the caller closes the connection.
        case close
        /// Read, but ignore, everything else the client sends until it closes the connection.
        case ignoreRest
    }

    /// Calls `onHead` for each request head as it arrives (e.g. to answer `Expect: 100-continue`) and
    /// `handle` with each complete request; returns when the client closes or `handle` says ``Next/close``.
    package static func forEachRequest(
        in inbound: NIOAsyncChannelInboundStream<HTTPServerRequestPart>,
        onHead: (HTTPRequestHead) async throws -> Void = { _ in },
        handle: (HTTPRequestHead, [UInt8]) async throws -> Next
    ) async throws {
        var head: HTTPRequestHead?
        var body: [UInt8] = []
        var ignoring = false
        for try await part in inbound where !ignoring {
            switch part {
            case .head(let requestHead):
                head = requestHead
                body = []
                try await onHead(requestHead)
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let requestHead = head else { continue }
                switch try await handle(requestHead, body) {
                case .readNext: break
                case .close: return
                case .ignoreRest: ignoring = true
                }
                head = nil
            }
        }
    }
}
