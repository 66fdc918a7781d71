// Moves the calling thread into a named network namespace (setns), the only namespace-aware syscall we need.
import CNetlink
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Entering network namespaces created by `ip netns add NAME` (bind mounts under `/var/run/netns`).
enum NetworkNamespace {
    /// Where `ip netns add` keeps its namespaces.
    static let directory = "/var/run/netns"

    /// The file of `namespace`: an absolute path as given (e.g. `/proc/1234/ns/net`), or a name under
    /// ``directory``.
    static func path(of namespace: String) -> String {
        namespace.hasPrefix("/") ? namespace : "\(directory)/\(namespace)"
    }

    /// Moves the calling thread (only it: network namespaces are per thread) into `namespace`.
    /// - Throws: ``NetlinkError`` saying whether the namespace is missing or entering it is not permitted.
    static func enter(_ namespace: String) throws(NetlinkError) {
        let operation = "entering network namespace \(namespace)"
        guard namespace.hasPrefix("/") || (!namespace.isEmpty && !namespace.contains("/")) else {
            throw NetlinkError(
                operation: operation, errno: EINVAL, message: "invalid namespace name",
                hint: "give a name under \(directory) (without '/') or an absolute path")
        }
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
}
