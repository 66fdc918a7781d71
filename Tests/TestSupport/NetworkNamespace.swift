// Throwaway network namespaces for tests: a veth "host NIC" with an address inside, always deleted.
import ChildProcessSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A uniquely named network namespace made with `ip netns add` for one test, holding a veth pair that
/// plays the host NIC (this kernel has no `dummy` link type) with an address on it.
///
/// ```swift
/// @Test("…", .enabled("needs root for ip netns") { await TestNetworkNamespace.isAvailable })
/// func something() async throws {
///     try await TestNetworkNamespace.with { namespace in
///         let netlink = try await NetlinkContext(namespace: namespace.name)
///         try await namespace.ip("route", "add", "10.9.0.0/16", "via", "192.168.100.1")
///     }
/// }
/// ```
/// Inside: `lo` up; `host0` (the host NIC, up, holding ``hostAddress``) paired with `peer0` (up, no
/// address). The gateway `192.168.100.1` is on `host0`'s subnet but held by nobody, which is all the
/// kernel needs to accept routes via it. Nothing outside the namespace is touched.
public struct TestNetworkNamespace: Sendable {
    /// The namespace name under `/var/run/netns`, unique per test (`oic-test-PID-RANDOM`).
    public let name: String
    /// The host NIC inside the namespace.
    public let hostInterface = "host0"
    /// The other end of the veth pair.
    public let peerInterface = "peer0"
    /// The host NIC's address with its prefix length.
    public let hostAddress: String

    /// Whether namespaces can be made here: running as root, `ip` present, and a probe namespace could
    /// be created and deleted. Checked once per process; also removes namespaces leaked by earlier test
    /// processes that crashed (their PID is gone).
    public static var isAvailable: Bool {
        get async { await availability.value }
    }

    private static let availability = Task<Bool, Never> {
        guard geteuid() == 0, let ip = ipExecutable else { return false }
        await removeLeakedNamespaces(ip: ip)
        let probe = uniqueName()
        guard (try? await runCommand(ip, ["netns", "add", probe])) != nil else { return false }
        return (try? await runCommand(ip, ["netns", "del", probe])) != nil
    }

    /// Creates a namespace, runs `body` with it, and deletes it whether `body` returns or throws.
    /// - Parameter hostAddress: The address (CIDR form) put on the host NIC.
    public static func with<Result>(
        hostAddress: String = "192.168.100.2/24",
        _ body: (TestNetworkNamespace) async throws -> Result
    ) async throws -> Result {
        let namespace = try await create(hostAddress: hostAddress)
        do {
            let result = try await body(namespace)
            await namespace.delete()
            return result
        } catch {
            await namespace.delete()
            throw error
        }
    }

    /// Runs `ip -n NAME ARGUMENTS…` (e.g. `ip("route", "del", "10.1.0.0/16")`) and returns its output.
    /// - Throws: ``TestNetworkNamespaceError`` with the command, exit status and output when it fails.
    @discardableResult
    public func ip(_ arguments: String...) async throws -> String {
        try await Self.runCommand(try Self.requireIP(), ["-n", name] + arguments)
    }

    /// Runs `ip ARGUMENTS…` outside any test namespace (e.g. `ip -n NAME …` on a namespace made by other
    /// means) and returns its output.
    @discardableResult
    public static func runIP(_ arguments: [String]) async throws -> String {
        try await runCommand(try requireIP(), arguments)
    }

    /// Runs `command` inside the namespace through `ip netns exec NAME command…`.
    @discardableResult
    public func exec(_ command: [String]) async throws -> String {
        try await Self.runCommand(try Self.requireIP(), ["netns", "exec", name] + command)
    }

    /// Enables IPv6 on every interface of the namespace, present and future (`disable_ipv6=0`), for hosts
    /// whose new namespaces inherit a disabled IPv6.
    public func enableIPv6() async throws {
        try await exec([
            "sh", "-c",
            "echo 0 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 0 > /proc/sys/net/ipv6/conf/default/disable_ipv6",
        ])
    }

    // MARK: - Lifecycle

    private static func create(hostAddress: String) async throws -> TestNetworkNamespace {
        let ip = try requireIP()
        let namespace = TestNetworkNamespace(name: uniqueName(), hostAddress: hostAddress)
        try await runCommand(ip, ["netns", "add", namespace.name])
        do {
            try await namespace.ip("link", "set", "lo", "up")
            try await namespace.ip(
                "link", "add", namespace.hostInterface, "type", "veth", "peer", "name", namespace.peerInterface)
            try await namespace.ip("address", "add", hostAddress, "dev", namespace.hostInterface)
            try await namespace.ip("link", "set", namespace.hostInterface, "up")
            try await namespace.ip("link", "set", namespace.peerInterface, "up")
        } catch {
            await namespace.delete()
            throw error
        }
        return namespace
    }

    /// Deletes the namespace; its interfaces go with it once nothing holds it open any more.
    private func delete() async {
        guard let ip = Self.ipExecutable else { return }
        _ = try? await Self.runCommand(ip, ["netns", "del", name])
    }

    private static let prefix = "oic-test-"

    private static func uniqueName() -> String {
        "\(prefix)\(getpid())-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))"
    }

    /// Deletes `oic-test-PID-…` namespaces whose process no longer exists.
    private static func removeLeakedNamespaces(ip: String) async {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/var/run/netns")) ?? []
        for entry in entries where entry.hasPrefix(prefix) {
            let pidText = entry.dropFirst(prefix.count).prefix { $0 != "-" }
            guard let pid = pid_t(pidText), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            _ = try? await runCommand(ip, ["netns", "del", entry])
        }
    }

    // MARK: - Running ip

    private static let ipExecutable: String? = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    private static func requireIP() throws -> String {
        guard let ip = ipExecutable else {
            throw TestNetworkNamespaceError(command: "ip", status: -1, output: "the ip command (iproute2) is not installed")
        }
        return ip
    }

    @discardableResult
    private static func runCommand(_ executable: String, _ arguments: [String]) async throws -> String {
        let (status, text) = try await ChildProcess.run(executable, arguments: arguments)
        guard status == 0 else {
            throw TestNetworkNamespaceError(
                command: ([executable] + arguments).joined(separator: " "), status: status, output: text)
        }
        return text
    }
}

/// A namespace setup command failed.
public struct TestNetworkNamespaceError: Error, CustomStringConvertible {
    /// The command line that failed.
    public var command: String
    /// Its exit status.
    public var status: Int32
    /// What it printed.
    public var output: String

    /// `command exited with N: output`.
    public var description: String { "\(command) exited with \(status): \(output)" }
}
