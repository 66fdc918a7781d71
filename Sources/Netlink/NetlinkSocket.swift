// A blocking NETLINK_ROUTE socket: sends requests, collects replies, and turns error acks into NetlinkError.
import CNetlink
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One `NETLINK_ROUTE` socket, bound to the network namespace of the thread that created it.
///
/// Not `Sendable`: it lives on the thread of a ``NetworkNamespaceExecutor`` (requests) or of a monitor
/// reader, and only that thread touches it. Every request asks for an acknowledgement, so each
/// operation ends with either the kernel's "done" or its errno, with the extended-ack text when given.
final class NetlinkSocket {
    /// Requests sent in one `sendmsg` by ``performAll(_:)``; their acks (~1 KiB of buffer each) must fit
    /// in the receive buffer set below.
    static let batchSize = 128

    let descriptor: Int32
    /// Whether the kernel echoes whole requests in error acks (`NETLINK_CAP_ACK` could not be set).
    private let echoesRequests: Bool
    private var nextSequence: UInt32 = 1
    private var receiveBuffer = [UInt8](repeating: 0, count: 256 * 1024)

    /// Opens a socket in the calling thread's namespace, subscribed to the multicast `groups`
    /// (`RTNLGRP_*`; none for a request socket). `receiveBufferBytes` overrides the 4 MiB receive
    /// buffer (tests use a tiny one to make the kernel drop notifications).
    init(groups: [UInt32] = [], receiveBufferBytes: Int32 = 4 * 1024 * 1024) throws(NetlinkError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_ROUTE)
        guard fd >= 0 else { throw NetlinkError(operation: "opening a netlink socket", errno: errno) }
        func fail(_ operation: String) -> NetlinkError {
            let error = NetlinkError(operation: operation, errno: errno)
            close(fd)
            return error
        }
        var one: Int32 = 1
        var bufferSize = receiveBufferBytes
        let intSize = socklen_t(MemoryLayout<Int32>.size)
        // Best effort: older kernels lack the ack options, and buffer sizes are capped by rmem_max.
        _ = setsockopt(fd, RTNL.socketLevel, RTNL.extendedAcknowledgement, &one, intSize)
        let capsAcknowledgements = setsockopt(fd, RTNL.socketLevel, RTNL.capAcknowledgement, &one, intSize) == 0
        // SO_RCVBUFFORCE (CAP_NET_ADMIN) may exceed net.core.rmem_max, so a monitor survives the burst of
        // notifications a thousand route changes cause; without the capability, take what rmem_max allows.
        if setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufferSize, intSize) != 0 {
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufferSize, intSize)
        }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        guard bound == 0 else { throw fail("binding a netlink socket") }
        for var group in groups {
            guard setsockopt(fd, RTNL.socketLevel, RTNL.addMembership, &group, intSize) == 0 else {
                throw fail("subscribing to rtnetlink group \(group)")
            }
        }
        descriptor = fd
        echoesRequests = !capsAcknowledgements
    }

    deinit { close(descriptor) }

    // MARK: - Requests

    /// Sends one request and waits for its acknowledgement; returns the replies that came before it
    /// (one `RTM_NEWLINK` for a `RTM_GETLINK`, nothing for changes).
    @discardableResult
    func perform(_ request: NetlinkMessageBuilder, operation: @autoclosure () -> String) throws(NetlinkError)
        -> [NetlinkMessage]
    {
        let sequence = takeSequence()
        try send(request.finish(sequence: sequence), operation: operation)
        var replies: [NetlinkMessage] = []
        while true {
            for message in try receive(operation: operation) where message.sequence == sequence {
                if message.type == RTNL.error {
                    if let error = failure(in: message, operation: operation) { throw error }
                    return replies
                }
                replies.append(message)
            }
        }
    }

    /// Sends every request, batched into few `sendmsg` calls, and returns one result per request, in order.
    /// One failing request does not stop the others (the kernel processes each message of a batch).
    func performAll(_ requests: [(request: NetlinkMessageBuilder, operation: String)]) -> [NetlinkError?] {
        var results = [NetlinkError?](repeating: nil, count: requests.count)
        var start = 0
        while start < requests.count {
            let end = min(start + Self.batchSize, requests.count)
            var positions: [UInt32: Int] = [:]
            var datagram: [UInt8] = []
            for position in start..<end {
                let sequence = takeSequence()
                positions[sequence] = position
                datagram += requests[position].request.finish(sequence: sequence)
            }
            var pending = Set(start..<end)
            do throws(NetlinkError) {
                try send(datagram, operation: { "sending \(end - start) netlink requests" })
                while !pending.isEmpty {
                    for message in try receive(operation: { "receiving netlink acknowledgements" })
                    where message.type == RTNL.error {
                        guard let position = positions[message.sequence], pending.remove(position) != nil else { continue }
                        results[position] = failure(in: message) { requests[position].operation }
                    }
                }
            } catch {
                // The socket itself failed: every unanswered request of the batch shares that error.
                for position in pending {
                    results[position] = NetlinkError(
                        operation: requests[position].operation, errno: error.errno,
                        message: "no answer from the kernel: \(error.description)")
                }
            }
            start = end
        }
        return results
    }

    /// Sends a dump request and returns every message of the answer. A dump the kernel marks as
    /// interrupted (the table changed meanwhile) is repeated, up to three times.
    func dump(_ request: NetlinkMessageBuilder, operation: @autoclosure () -> String) throws(NetlinkError)
        -> [NetlinkMessage]
    {
        var attempt = 0
        while true {
            attempt += 1
            let sequence = takeSequence()
            try send(request.finish(sequence: sequence), operation: operation)
            var messages: [NetlinkMessage] = []
            var interrupted = false
            receiving: while true {
                for message in try receive(operation: operation) where message.sequence == sequence {
                    if message.flags & RTNL.dumpInterrupted != 0 { interrupted = true }
                    if message.type == RTNL.done { break receiving }
                    if message.type == RTNL.error {
                        if let error = failure(in: message, operation: operation) { throw error }
                        break receiving
                    }
                    messages.append(message)
                }
            }
            if !interrupted || attempt >= 3 { return messages }
        }
    }

    // MARK: - Raw I/O

    /// Receives one datagram (blocking) and splits it into messages. `ENOBUFS` means the kernel dropped
    /// notifications because this socket fell behind.
    func receive(operation: () -> String) throws(NetlinkError) -> [NetlinkMessage] {
        while true {
            let count = receiveBuffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return NetlinkMessage.split(Array(receiveBuffer[0..<count])) }
            if errno == EINTR { continue }
            throw NetlinkError(operation: operation(), errno: errno)
        }
    }

    private func send(_ bytes: [UInt8], operation: () -> String) throws(NetlinkError) {
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        while true {
            let sent = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &kernel) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(descriptor, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
            if sent >= 0 { return }
            if errno == EINTR { continue }
            throw NetlinkError(operation: operation(), errno: errno)
        }
    }

    private func takeSequence() -> UInt32 {
        defer { nextSequence = nextSequence &+ 1 == 0 ? 1 : nextSequence &+ 1 }
        return nextSequence
    }

    /// The error an `NLMSG_ERROR` message carries, or `nil` for a plain acknowledgement (errno 0).
    func failure(in message: NetlinkMessage, operation: () -> String) -> NetlinkError? {
        let payload = message.payload
        guard payload.count >= 4 else {
            return NetlinkError(operation: operation(), errno: 0, message: "malformed acknowledgement from the kernel")
        }
        let code = payload.readInteger(at: 0, as: Int32.self)
        guard code != 0 else { return nil }
        var kernelMessage: String?
        if message.flags & RTNL.acknowledgementTLVs != 0, payload.count > 20 {
            // The TLVs follow the echoed request: its 16-byte header only with NETLINK_CAP_ACK, else all of it.
            let echoedLength = echoesRequests ? Int(payload.readInteger(at: 4, as: UInt32.self)) : 16
            kernelMessage = NetlinkAttributes(payload, from: 4 + ((echoedLength + 3) & ~3))
                .string(RTNL.acknowledgementMessage)
        }
        return NetlinkError(operation: operation(), errno: -code, kernelMessage: kernelMessage)
    }
}
