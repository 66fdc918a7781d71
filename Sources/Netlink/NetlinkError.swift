// The one error type of the Netlink module: which operation failed, the kernel's errno and what it means.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed netlink operation, e.g.
/// `adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0: gateway unreachable (ENETUNREACH)`.
///
/// `errno` is the kernel's answer (positive, `0` when the failure was not a kernel error, such as a
/// malformed reply); `message` says what it means for this operation and what to check;
/// `kernelMessage` is the kernel's extended acknowledgement text when it sent one
/// (e.g. `Nexthop device is not up`).
public struct NetlinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done, e.g. `adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0`.
    public var operation: String
    /// The kernel's (or libc's) errno, positive; `0` when none applies.
    public var errno: Int32
    /// What went wrong, in words that fit the operation, e.g. `gateway unreachable`.
    public var message: String
    /// What to check or do about it, when there is a useful hint.
    public var hint: String?
    /// The kernel's extended acknowledgement message, if any.
    public var kernelMessage: String?

    /// Creates an error. `message` and `hint` default to the meaning of `errno` for the operation's object
    /// (an explicit `message` comes without a default hint).
    public init(operation: String, errno: Int32, message: String? = nil, hint: String? = nil, kernelMessage: String? = nil) {
        self.operation = operation
        self.errno = errno
        if let message {
            self.message = message
            self.hint = hint
        } else {
            let meaning = NetlinkError.meaning(of: errno, operation: operation)
            self.message = meaning.message
            self.hint = hint ?? meaning.hint
        }
        self.kernelMessage = kernelMessage
    }

    /// The symbolic errno name, e.g. `ENETUNREACH`, or `errno N` for rare ones.
    public var errnoName: String { NetlinkError.names[errno] ?? "errno \(errno)" }

    /// The kernel said the object does not exist (`ENODEV`, `ESRCH`, `ENOENT`, `EADDRNOTAVAIL`).
    public var isNotFound: Bool { [ENODEV, ESRCH, ENOENT, EADDRNOTAVAIL].contains(errno) }

    /// The kernel said the object already exists (`EEXIST`).
    public var isAlreadyExists: Bool { errno == EEXIST }

    /// `operation: message (ENAME); hint; kernel says: …`, e.g.
    /// `adding route 10.1.0.0/16 via 192.168.100.1 dev tmp0: gateway unreachable (ENETUNREACH); check …`.
    public var description: String {
        var text = "\(operation): \(message)"
        if errno != 0 { text += " (\(errnoName))" }
        if let hint { text += "; \(hint)" }
        if let kernelMessage, !kernelMessage.isEmpty { text += "; kernel says: \(kernelMessage)" }
        return text
    }

    // MARK: - Meanings

    /// What `errno` means for `operation` and what to check; routes, addresses and links get specific wording.
    static func meaning(of errno: Int32, operation: String) -> (message: String, hint: String?) {
        let isRoute = operation.contains("route")
        let isAddress = operation.contains("address")
        switch errno {
        case ENETUNREACH where isRoute:
            return ("gateway unreachable",
                    "the gateway must be inside a subnet of an address on the output device, and the device up")
        case ENETDOWN:
            return ("device is down", "set it up first")
        case ENODEV:
            return ("no such device", "check the interface name or index")
        case EEXIST where isRoute:
            return ("route already exists", "replace it instead to change it")
        case EEXIST where isAddress:
            return ("address already exists on the device", "replace it instead to change it")
        case EEXIST:
            return ("already exists", nil)
        case ESRCH where isRoute:
            return ("no such route", "no route with that destination, table, protocol, gateway and device")
        case ESRCH, ENOENT:
            return ("no such object", nil)
        case EADDRNOTAVAIL where isAddress:
            return ("no such address on the device", nil)
        case EPERM, EACCES:
            return ("operation not permitted", "needs CAP_NET_ADMIN in the network namespace")
        case EINVAL:
            return ("invalid request", "the kernel rejected an argument")
        case EOPNOTSUPP:
            return ("not supported by this kernel", "is the needed kernel module (e.g. macvlan) available?")
        case EBUSY:
            return ("device or resource busy", nil)
        case ENOBUFS:
            return ("kernel dropped messages", "the socket buffer was full")
        case EAFNOSUPPORT:
            return ("address family not supported", "is IPv6 disabled?")
        case 0:
            return ("failed", nil)
        default:
            return (String(cString: strerror(errno)), nil)
        }
    }

    private static let names: [Int32: String] = [
        EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF",
        EAGAIN: "EAGAIN", ENOMEM: "ENOMEM", EACCES: "EACCES", EBUSY: "EBUSY", EEXIST: "EEXIST",
        ENODEV: "ENODEV", EINVAL: "EINVAL", ENOSPC: "ENOSPC", ERANGE: "ERANGE", EMSGSIZE: "EMSGSIZE",
        EPROTONOSUPPORT: "EPROTONOSUPPORT", EOPNOTSUPP: "EOPNOTSUPP", EAFNOSUPPORT: "EAFNOSUPPORT",
        EADDRINUSE: "EADDRINUSE", EADDRNOTAVAIL: "EADDRNOTAVAIL", ENETDOWN: "ENETDOWN",
        ENETUNREACH: "ENETUNREACH", ENOBUFS: "ENOBUFS", ETIMEDOUT: "ETIMEDOUT", EHOSTUNREACH: "EHOSTUNREACH",
        ENFILE: "ENFILE", EMFILE: "EMFILE", ENOTDIR: "ENOTDIR", ENOTSOCK: "ENOTSOCK",
    ]
}

extension NetlinkError {
    /// The same kernel answer described for `operation` (the message is re-derived from the errno).
    func reworded(operation: String) -> NetlinkError {
        NetlinkError(operation: operation, errno: errno, kernelMessage: kernelMessage)
    }
}
