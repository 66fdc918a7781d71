// Formats instants the way phpIPAM prints token expiry: `YYYY-MM-DD HH:MM:SS`, server time (UTC here), no zone.
import EmulatorSupport
import Foundation

enum PhpIPAMTimestamp {
    /// `2026-11-25 17:00:23` for the UTC instant `date` (sub-second parts are dropped).
    static func format(_ date: Date) -> String {
        CivilDateTime(secondsSinceEpoch: Int(date.timeIntervalSince1970.rounded(.down))).formatted(separator: " ")
    }
}
