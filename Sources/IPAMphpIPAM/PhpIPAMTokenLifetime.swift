// Decides when a phpIPAM token must be renewed, from the `expires` text phpIPAM sends with it.
import FoundationEssentials

/// When to renew a token: a margin before the `expires` phpIPAM announced.
struct PhpIPAMTokenLifetime: Sendable, Equatable {
    /// Renew this long before the announced expiry (phpIPAM tokens live 6 h).
    static let renewalMargin: TimeInterval = 300

    /// The instant after which the token is renewed before use; nil when unknown (then only a 401 renews it).
    var renewAt: Date?

    /// Reads `expires` (`YYYY-MM-DD HH:MM:SS`, server local time without a zone, assumed UTC).
    ///
    /// An expiry that is unreadable or already within the margin at `receivedAt` (a server clock or time zone
    /// far from ours) is ignored rather than trusted: the token is then used until phpIPAM answers 401.
    init(expires: String?, receivedAt: Date) {
        guard let expires, let instant = Self.parse(expires) else {
            renewAt = nil
            return
        }
        let renewal = instant.addingTimeInterval(-Self.renewalMargin)
        renewAt = renewal > receivedAt ? renewal : nil
    }

    /// phpIPAM moves a token's expiry to now + 6 h on every authenticated call (writing it at most once a
    /// minute), so a call it accepted at `usedAt` keeps the token valid until at least `usedAt` + 6 h − 60 s.
    /// Pushing the renewal that far means a backend in steady use never logs in again. Measured on our
    /// clock, so a server clock or time zone far from ours does not matter.
    static let serverLifetime: TimeInterval = 21_600

    mutating func noteAccepted(at usedAt: Date) {
        guard let current = renewAt else { return }
        let extended = usedAt.addingTimeInterval(Self.serverLifetime - 60 - Self.renewalMargin)
        if extended > current { renewAt = extended }
    }

    func needsRenewal(at now: Date) -> Bool {
        renewAt.map { now >= $0 } ?? false
    }

    /// Parses `2026-11-25 17:00:23` as UTC.
    static func parse(_ text: String) -> Date? {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        guard parts.count == 2 else { return nil }
        let date = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard date.count == 3, time.count == 3, (1...12).contains(date[1]), (1...31).contains(date[2]),
            (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2])
        else { return nil }
        let days = daysSinceEpoch(year: date[0], month: date[1], day: date[2])
        let seconds = days * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian calendar).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
