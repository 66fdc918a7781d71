// The monitor: a reader thread in the namespace turning rtnetlink notifications into an AsyncSequence.
import FoundationExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Link, address and route changes in a network namespace, as they happen.
///
/// Obtain one from ``NetlinkContext/events(_:)``; the subscription is active when that call returns,
/// so a change made afterwards is always seen. Iterate it from one task. The stream buffers without
/// bound (the agent drains it promptly); if the kernel itself drops notifications, the stream yields
/// ``NetlinkEvent/eventsLost`` and carries on. It ends, throwing ``NetlinkError``, only if the socket
/// fails; dropping the stream or cancelling the iterating task stops the reader thread.
public struct NetlinkEventStream: AsyncSequence, Sendable {
    /// Each element is one change.
    public typealias Element = NetlinkEvent
    /// The only error is a failed socket.
    public typealias Failure = NetlinkError

    private let base: AsyncThrowingStream<NetlinkEvent, any Error>

    /// Starts the reader thread in `namespace` subscribed to `groups`, returning once subscribed.
    /// `receiveBufferBytes` is for tests that need the kernel to drop notifications.
    static func start(
        namespace: String?, groups: NetlinkEventGroups, receiveBufferBytes: Int32 = 4 * 1024 * 1024
    ) async throws(NetlinkError) -> NetlinkEventStream {
        let (stream, continuation) = AsyncThrowingStream.makeStream(
            of: NetlinkEvent.self, throwing: (any Error).self, bufferingPolicy: .unbounded)
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else {
            throw NetlinkError(operation: "starting the netlink monitor", errno: errno)
        }
        let (wakeRead, wakeWrite) = (pipeEnds[0], pipeEnds[1])
        _ = fcntl(wakeRead, F_SETFD, FD_CLOEXEC)
        _ = fcntl(wakeWrite, F_SETFD, FD_CLOEXEC)
        // Called exactly once, when the consumer goes away or the reader finishes the stream; the reader
        // closes the pipe only after that, so the descriptor is still ours here.
        continuation.onTermination = { _ in
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        let multicastGroups = groups.multicastGroups
        let failure: NetlinkError? = await withCheckedContinuation { started in
            let startFailure = startDetachedThread(named: "netlink-monitor") {
                defer {
                    close(wakeRead)
                    close(wakeWrite)
                }
                let socket: NetlinkSocket
                do throws(NetlinkError) {
                    if let namespace { try NetworkNamespace.enter(namespace) }
                    socket = try NetlinkSocket(groups: multicastGroups, receiveBufferBytes: receiveBufferBytes)
                } catch {
                    started.resume(returning: error)
                    continuation.finish(throwing: error)
                    return
                }
                started.resume(returning: nil)
                readEvents(from: socket, wakeUp: wakeRead, into: continuation)
            }
            if let startFailure {
                close(wakeRead)
                close(wakeWrite)
                let error = NetlinkError(operation: "monitor netlink events", errno: EAGAIN, message: startFailure)
                started.resume(returning: error)
                continuation.finish(throwing: error)
            }
        }
        if let failure { throw failure }
        return NetlinkEventStream(base: stream)
    }

    private init(base: AsyncThrowingStream<NetlinkEvent, any Error>) { self.base = base }

    /// The reader loop: waits for notifications or the wake-up pipe, and yields decoded events.
    private static func readEvents(
        from socket: NetlinkSocket, wakeUp: Int32, into continuation: AsyncThrowingStream<NetlinkEvent, any Error>.Continuation
    ) {
        var descriptors = [
            pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeUp, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                continuation.finish(throwing: NetlinkError(operation: "waiting for netlink events", errno: errno))
                return
            }
            if descriptors[1].revents != 0 {
                continuation.finish()
                return
            }
            guard descriptors[0].revents != 0 else { continue }
            let received = Result { () throws(NetlinkError) in try socket.receive(operation: { "receiving netlink events" }) }
            switch ReaderStep(after: received) {
            case .deliver(let events):
                for event in events { continuation.yield(event) }
            case .fail(let error):
                continuation.finish(throwing: error)
                return
            }
        }
    }

    /// What the reader does with the outcome of one `recv`: pure, so the overflow rule is unit-tested.
    enum ReaderStep: Equatable {
        /// Yield these events and keep reading.
        case deliver([NetlinkEvent])
        /// End the stream with this error.
        case fail(NetlinkError)

        init(after received: Result<[NetlinkMessage], NetlinkError>) {
            switch received {
            case .success(let messages):
                self = .deliver(messages.compactMap(NetlinkEvent.decode))
            case .failure(let error) where error.errno == ENOBUFS:
                // The kernel dropped notifications for this socket; the socket itself is fine.
                self = .deliver([.eventsLost])
            case .failure(let error):
                self = .fail(error)
            }
        }
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator { Iterator(base: base.makeAsyncIterator()) }

    /// Yields events in the order the kernel sent them.
    public struct Iterator: AsyncIteratorProtocol {
        /// Each element is one change.
        public typealias Element = NetlinkEvent
        /// The only error is a failed socket.
        public typealias Failure = NetlinkError

        private var base: AsyncThrowingStream<NetlinkEvent, any Error>.Iterator

        init(base: AsyncThrowingStream<NetlinkEvent, any Error>.Iterator) { self.base = base }

        /// The next event, or `nil` when the stream ended (cancelled or dropped).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(NetlinkError) -> NetlinkEvent? {
            do {
                return try await base.next(isolation: actor)
            } catch let error as NetlinkError {
                throw error
            } catch {
                throw NetlinkError(operation: "receiving netlink events", errno: 0, message: "\(error)")
            }
        }

        /// The next event, or `nil` when the stream ended.
        public mutating func next() async throws(NetlinkError) -> NetlinkEvent? {
            try await next(isolation: nil)
        }
    }
}
