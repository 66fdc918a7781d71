// One open watch: its event stream, its wire encoding, and the bookmark and timeout timers.

/// A watch the HTTP shell streams: iterate `messages`, write `encode(message)` for each, call `end()` when done.
struct WatchSession: Sendable {
    let core: EmulatorCore
    /// `nil` when the watch was refused in-band (410 ERROR event) and is already finished.
    let id: Int?
    let messages: AsyncStream<WatchMessage>
    let encode: @Sendable (WatchMessage) -> [UInt8]
    let contentType: String
    let timeout: Duration?
    let bookmarks: Duration?

    /// Stops the watch: unregisters it and finishes its stream (idempotent).
    func end() {
        if let id { core.endWatch(id) }
    }

    /// Sends bookmarks every `bookmarks` interval and ends the watch after `timeout`; returns when cancelled.
    func runTimers() async {
        guard id != nil, timeout != nil || bookmarks != nil else { return }
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
        var nextBookmark = bookmarks.map { clock.now.advanced(by: $0) }
        while !Task.isCancelled {
            let wake = [deadline, nextBookmark].compactMap { $0 }.min() ?? clock.now.advanced(by: .seconds(3600))
            do {
                try await clock.sleep(until: wake)
            } catch {
                return
            }
            if let deadline, clock.now >= deadline {
                end()
                return
            }
            if let interval = bookmarks, let due = nextBookmark, clock.now >= due, let id {
                guard core.state.withLock({ $0.bookmark(for: id) }) else { return }
                nextBookmark = clock.now.advanced(by: interval)
            }
        }
    }
}
