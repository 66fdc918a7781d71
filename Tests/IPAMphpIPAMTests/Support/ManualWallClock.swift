// A wall clock the tests move by hand, shared by the emulator and the backend under test.
import Foundation
import Synchronization

/// A settable `Date` source: `clock.now()` reads it, `clock.advance(by:)` moves it.
final class ManualWallClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        current = Mutex(start)
    }

    func now() -> Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The closure form the emulator and the backend take.
    var source: @Sendable () -> Date { { [self] in now() } }
}
