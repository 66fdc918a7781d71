// phpIPAM's side of the emulators' JSON value: PHP's json_encode output and `api-stringify-results`.
//
// Deliberately not the phpIPAM backend's record types: the emulator is the independent oracle the backend
// is tested against and answers as `phpipam-api.md` records the real server, so it shares no
// decoding or encoding code with the client whose mistakes it must catch.
import EmulatorSupport

extension EmulatorJSON.Style {
    /// PHP's `json_encode`: `/` escaped as `\/`; a float integral in value without a fraction, others with
    /// up to 3 digits (as phpIPAM prints `time`).
    static let phpJSONEncode = EmulatorJSON.Style(escapesSolidus: true) { value in
        if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
        let thousandths = (value * 1000).rounded() / 1000
        return "\(thousandths)"
    }
}

extension EmulatorJSON {
    /// The value with every integer turned into a string, as `api-stringify-results: 1` asks.
    func stringified() -> EmulatorJSON {
        switch self {
        case .int(let value): .string(String(value))
        case .array(let items): .array(items.map { $0.stringified() })
        case .object(let members): .object(members.map { ($0.0, $0.1.stringified()) })
        default: self
        }
    }
}
