// The namespace thread: work runs inside the namespace, in order, with typed errors passed through.
import Foundation
import Glibc
import Netlink
import Testing
import TestSupport

@Suite("NetworkNamespaceExecutor")
struct NetworkNamespaceExecutorTests {
    @Test("work runs in submission order on one thread and results come back")
    func ordering() async throws {
        let executor = try await NetworkNamespaceExecutor<Recorder>(namespace: nil) { Recorder() }
        for value in 0..<50 {
            try await executor.run { recorder in recorder.values.append(value) }
        }
        let seen = try await executor.run { recorder in recorder.values }
        #expect(seen == Array(0..<50))
    }

    @Test("an error thrown on the thread reaches the caller unchanged")
    func errorsPassThrough() async throws {
        let executor = try await NetworkNamespaceExecutor<Int>(namespace: nil) { 0 }
        let error = await #expect(throws: NetlinkError.self) {
            try await executor.run { _ throws(NetlinkError) in throw NetlinkError(operation: "testing", errno: EBUSY) }
        }
        #expect(error?.errno == EBUSY)
    }

    @Test("the thread is inside the namespace while the caller is not",
          .enabled(namespaceRequirement) { await TestNetworkNamespace.isAvailable })
    func entersNamespace() async throws {
        try await TestNetworkNamespace.with { namespace in
            let executor = try await NetworkNamespaceExecutor<Int>(namespace: namespace.name) { 0 }
            // /proc/thread-self/ns/net names the namespace of the thread reading it.
            let inside = try await executor.run { _ in Self.currentNamespace() }
            let outside = Self.currentNamespace()
            #expect(inside != outside)
            #expect(inside == (try await namespace.exec(["readlink", "/proc/self/ns/net"])).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Thread-confined state: not Sendable, touched only on the executor's thread.
    final class Recorder {
        var values: [Int] = []
    }

    private static func currentNamespace() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        let count = readlink("/proc/thread-self/ns/net", &buffer, buffer.count - 1)
        guard count > 0 else { return "unknown" }
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
