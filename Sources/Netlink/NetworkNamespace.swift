// Named network namespaces (as `ip netns` keeps them under /var/run/netns): create, delete and enter.
import CNetlink
import FoundationExtras
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Named network namespaces, compatible with `ip netns`: each is a bind mount of a namespace file on
/// `/var/run/netns/NAME`, which keeps the namespace alive with no process in it.
///
/// ``create(named:)`` and ``delete(named:)`` let programs (the lab) make namespaces without running
/// `ip`; ``NetlinkContext`` and ``NetworkNamespaceExecutor`` enter them. Everything here needs
/// `CAP_SYS_ADMIN`.
public enum NetworkNamespace {
    /// Where `ip netns add` keeps its namespaces.
    public static let directory = "/var/run/netns"

    /// The file of `namespace`: an absolute path as given (e.g. `/proc/1234/ns/net`), or a name under
    /// ``directory``.
    public static func path(of namespace: String) -> String {
        namespace.hasPrefix("/") ? namespace : "\(directory)/\(namespace)"
    }

    /// Creates the empty network namespace `name` (only `lo`, down), like `ip netns add NAME`.
    /// - Throws: ``NetlinkError``: `EEXIST` when it exists, `EPERM` without `CAP_SYS_ADMIN`.
    public static func create(named name: String) async throws(NetlinkError) {
        let operation = "creating network namespace \(name)"
        try validate(name, operation: operation)
        let file = path(of: name)
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw NetlinkError(operation: operation, errno: errno, message: "cannot create \(directory)")
        }
        let placeholder = open(file, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o444)
        guard placeholder >= 0 else {
            let code = errno
            throw NetlinkError(
                operation: operation, errno: code,
                message: code == EEXIST ? "a namespace with that name already exists" : "cannot create \(file)")
        }
        close(placeholder)
        // unshare(CLONE_NEWNET) moves only the calling thread, so a throwaway thread makes the namespace
        // and pins it with the bind mount before it ends; the rest of the process never leaves its own.
        let failure: NetlinkError? = await withCheckedContinuation { done in
            let startFailure = startDetachedThread(named: "netns-create") {
                guard cnetlink_unshare_network_namespace() == 0 else {
                    let code = errno
                    done.resume(returning: NetlinkError(
                        operation: operation, errno: code, message: "unshare failed",
                        hint: code == EPERM ? "creating a namespace needs CAP_SYS_ADMIN" : nil))
                    return
                }
                guard cnetlink_bind_mount("/proc/thread-self/ns/net", file) == 0 else {
                    done.resume(returning: NetlinkError(
                        operation: operation, errno: errno, message: "cannot bind-mount the namespace on \(file)"))
                    return
                }
                done.resume(returning: nil)
            }
            if let startFailure { done.resume(returning: NetlinkError(operation: operation, errno: EAGAIN, message: startFailure)) }
        }
        if let failure {
            unlink(file)
            throw failure
        }
    }

    /// Deletes namespace `name`, like `ip netns del NAME`: its links go once nothing holds it any more
    /// (an open ``NetlinkContext`` in it keeps it alive until released).
    /// - Throws: ``NetlinkError`` with `ENOENT` when there is no such namespace.
    public static func delete(named name: String) throws(NetlinkError) {
        let operation = "deleting network namespace \(name)"
        try validate(name, operation: operation)
        let file = path(of: name)
        guard access(file, F_OK) == 0 else {
            throw NetlinkError(operation: operation, errno: ENOENT, message: "no such namespace (\(file) does not exist)")
        }
        if cnetlink_detach_mount(file) != 0 && errno != EINVAL {  // EINVAL: not mounted (half-created)
            throw NetlinkError(operation: operation, errno: errno, message: "cannot unmount \(file)")
        }
        guard unlink(file) == 0 else {
            throw NetlinkError(operation: operation, errno: errno, message: "cannot remove \(file)")
        }
    }

    /// Whether `/var/run/netns/NAME` (or the absolute path) exists.
    public static func exists(_ namespace: String) -> Bool { access(path(of: namespace), F_OK) == 0 }

    /// Moves the calling thread (only it: network namespaces are per thread) into `namespace`.
    /// - Throws: ``NetlinkError`` saying whether the namespace is missing or entering it is not permitted.
    static func enter(_ namespace: String) throws(NetlinkError) {
        let operation = "entering network namespace \(namespace)"
        if !namespace.hasPrefix("/") { try validate(namespace, operation: operation) }
        let file = path(of: namespace)
        let descriptor = open(file, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT {
                throw NetlinkError(
                    operation: operation, errno: code, message: "no such namespace (\(file) does not exist)",
                    hint: "create it first, e.g. with ip netns add \(namespace)")
            }
            throw NetlinkError(operation: operation, errno: code, message: "cannot open \(file)")
        }
        defer { close(descriptor) }
        guard cnetlink_enter_network_namespace(descriptor) == 0 else {
            let code = errno
            throw NetlinkError(
                operation: operation, errno: code, message: "setns failed",
                hint: code == EPERM ? "entering a namespace needs CAP_SYS_ADMIN" : nil)
        }
    }

    /// A name must be a plain file name under ``directory``.
    private static func validate(_ name: String, operation: String) throws(NetlinkError) {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw NetlinkError(
                operation: operation, errno: EINVAL, message: "invalid namespace name",
                hint: "give a plain name such as node-1 (no '/'); it lives under \(directory)")
        }
    }
}
