// A named, detached POSIX thread running a closure: what Foundation's Thread did, for FoundationEssentials-only code.
import Glibc

/// Starts a detached thread that runs `body` once and ends.
///
/// For work that must own an OS thread (entering a network namespace with `setns`, blocking reads).
///
/// - Parameters:
///   - name: The thread's name in `top -H` and debuggers; the kernel keeps its first 15 bytes.
///   - body: What the thread runs.
/// - Returns: `nil` when the thread runs, else why it could not start (`pthread_create`'s error text);
///   `body` then never runs.
public func startDetachedThread(named name: String, _ body: @escaping @Sendable () -> Void) -> String? {
    let context = Unmanaged.passRetained(ThreadBody(name: name, run: body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { context in
        guard let context else { return nil }
        let body = Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue()
        body.nameCurrentThread()
        body.run()
        return nil
    }, context)
    guard result == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return "cannot start thread \(name) (pthread_create: \(String(cString: strerror(result))))"
    }
    pthread_detach(thread)
    return nil
}

/// The closure handed to the new thread through `pthread_create`'s context pointer.
private final class ThreadBody: Sendable {
    let name: String
    let run: @Sendable () -> Void

    init(name: String, run: @escaping @Sendable () -> Void) {
        self.name = name
        self.run = run
    }

    /// Names the calling thread through `/proc/thread-self/comm` (`pthread_setname_np` is not visible
    /// to Swift without `_GNU_SOURCE`); a failure only leaves the default name.
    func nameCurrentThread() {
        let descriptor = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
