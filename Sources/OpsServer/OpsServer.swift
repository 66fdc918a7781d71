// The operations HTTP endpoint: /healthz, /readyz and /metrics on one port, served by one thread.
import FoundationExtras
import Glibc
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization

/// Serves `/healthz` (the process is alive), `/readyz` (every ``HealthState`` check passes) and
/// `/metrics` (the Prometheus text of a swift-prometheus registry, usually the one ``ProcessMetrics/bootstrap()``
/// made the process-wide swift-metrics backend).
///
/// Bind (``bind(host:port:metrics:health:logger:)``) starts serving and tells the port; `run()` it as a
/// `Service` to close it on graceful shutdown or cancellation, or call ``close()``.
///
/// One thread accepts and answers connections one at a time, each request with `Connection: close`
/// (kubelet probes and Prometheus scrapes open a connection per request anyway). A client gets two
/// seconds to send its request head. No event-loop library: the agent runs on every node, and SwiftNIO
/// was about 3 MB of each binary for these three routes.
public final class OpsServer: Service, Sendable {
    /// The port the server listens on (useful when bound to port 0).
    public let port: Int
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let responder: OpsResponder
    private let logger: Logger
    private let state = Mutex(State.serving(waiters: []))

    /// The serving thread's life: serving (callers waiting for its end), or ended.
    private enum State {
        case serving(waiters: [CheckedContinuation<Void, Never>])
        case closed
    }

    private init(listener: Int32, wake: (Int32, Int32), port: Int, responder: OpsResponder, logger: Logger) {
        self.listener = listener
        (wakeRead, wakeWrite) = wake
        self.port = port
        self.responder = responder
        self.logger = logger
    }

    /// Binds the listening socket. `host` defaults to all interfaces because probes come from the kubelet.
    ///
    /// - Throws: ``OpsServerError`` naming the address and the system's reason (e.g. address in use).
    public static func bind(
        host: String = "0.0.0.0", port: Int, metrics: PrometheusCollectorRegistry, health: HealthState, logger: Logger
    ) async throws -> OpsServer {
        let listener = try listen(host: host, port: port)
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(listener)
            throw OpsServerError("cannot create the operations endpoint's wake-up pipe: \(reason)")
        }
        for descriptor in pipeEnds { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var address = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let boundPort = withUnsafeMutablePointer(to: &address) { storage in
            storage.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        } == 0 ? Self.port(of: address) : port
        let server = OpsServer(
            listener: listener, wake: (pipeEnds[0], pipeEnds[1]), port: boundPort,
            responder: OpsResponder(metrics: metrics, health: health), logger: logger)
        if let failure = startDetachedThread(named: "ops-server", { server.serve() }) {
            server.finish()
            throw OpsServerError(failure)
        }
        logger.info("operations endpoint listening", metadata: ["address": "\(host):\(boundPort)"])
        return server
    }

    /// Serves until graceful shutdown or cancellation, then closes the socket and ends its thread.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await waitUntilClosed()
            } onCancel: {
                self.wake()
            }
        } onGracefulShutdown: {
            self.wake()
        }
    }

    /// Closes the listening socket and ends the serving thread; closing twice does nothing more.
    public func close() async {
        wake()
        await waitUntilClosed()
    }

    // MARK: - Serving thread

    private func serve() {
        var descriptors = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { break }
            if descriptors[1].revents != 0 { break }
            guard descriptors[0].revents != 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            answer(connection)
            Glibc.close(connection)
        }
        finish()
    }

    /// Reads one request head (up to 8 KiB, two seconds) and writes the response.
    private func answer(_ connection: Int32) {
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        _ = setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var request: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        let terminator: [UInt8] = Array("\r\n\r\n".utf8)
        while request.count < 8192 {
            let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            request += chunk[..<count]
            if let end = request.firstRange(of: terminator) {
                write(responder.respond(toHead: request[..<end.lowerBound]), to: connection)
                return
            }
        }
        write(responder.respond(toHead: [UInt8]()), to: connection)
    }

    private func write(_ bytes: [UInt8], to connection: Int32) {
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let sent = remaining.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 && errno == EINTR { continue }
            guard sent > 0 else { return }
            remaining = remaining.dropFirst(sent)
        }
    }

    // MARK: - Shutdown

    /// Asks the serving thread to end with a byte on the wake-up pipe. Under the lock, so the pipe cannot
    /// have been closed (and its descriptor number reused) by ``finish()`` in between.
    private func wake() {
        state.withLock { state in
            guard case .serving = state else { return }
            var byte: UInt8 = 1
            _ = Glibc.write(wakeWrite, &byte, 1)
        }
    }

    /// Runs once, on the serving thread as it ends: closes the sockets and releases every waiter.
    private func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard case .serving(let waiters) = state else { return [] }
            state = .closed
            closeDescriptors()
            return waiters
        }
        logger.debug("operations endpoint closed")
        for waiter in waiters { waiter.resume() }
    }

    private func waitUntilClosed() async {
        await withCheckedContinuation { continuation in
            let closed = state.withLock { state -> Bool in
                guard case .serving(let waiters) = state else { return true }
                state = .serving(waiters: waiters + [continuation])
                return false
            }
            if closed { continuation.resume() }
        }
    }

    private func closeDescriptors() {
        Glibc.close(listener)
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
    }

    // MARK: - Socket setup

    /// A listening TCP socket on `host:port` (a numeric address or a name; the first address that binds).
    private static func listen(host: String, port: Int) throws(OpsServerError) -> Int32 {
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &results)
        guard lookup == 0, let first = results else {
            throw OpsServerError("cannot listen on \(host):\(port): \(String(cString: gai_strerror(lookup)))")
        }
        defer { freeaddrinfo(first) }
        var reason = "no address"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard socket >= 0 else { reason = String(cString: strerror(errno)); continue }
            var one: Int32 = 1
            _ = setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.bind(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0, Glibc.listen(socket, 64) == 0 {
                return socket
            }
            reason = String(cString: strerror(errno))
            Glibc.close(socket)
        }
        throw OpsServerError("cannot listen on \(host):\(port): \(reason)")
    }

    private static func port(of address: sockaddr_storage) -> Int {
        var address = address
        return withUnsafePointer(to: &address) { storage in
            switch Int32(storage.pointee.ss_family) {
            case AF_INET: storage.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
            case AF_INET6: storage.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            default: 0
            }
        }
    }
}

extension OpsServer: CustomStringConvertible {
    /// How service-lifecycle's logs name the server: `operations endpoint on port 8080`.
    public var description: String { "operations endpoint on port \(port)" }
}

/// The operations endpoint cannot listen or serve; the message names the address and the system's reason.
public struct OpsServerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
