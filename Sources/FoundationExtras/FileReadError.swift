// Readable reasons for failed file operations, worded exactly as Foundation's localizedDescription on Linux.
import FoundationEssentials

/// The sentence Foundation's `localizedDescription` gives on Linux for a file error, without
/// FoundationInternationalization: FoundationEssentials throws the same `CocoaError`s but cannot
/// describe them.
///
/// - Parameter error: what e.g. `String(contentsOfFile:encoding:)` or `Data(contentsOf:)` threw.
public func fileErrorDescription(_ error: any Error) -> String {
    guard let cocoa = error as? CocoaError else { return String(describing: error) }
    let reason: String? = switch cocoa.code {
    case .fileReadNoPermission, .fileWriteNoPermission: "You don’t have permission."
    case .fileReadInvalidFileName, .fileWriteInvalidFileName: "The file name is invalid."
    case .fileReadCorruptFile: "The file isn’t in the correct format."
    case .fileReadNoSuchFile, .fileNoSuchFile: "The file doesn’t exist."
    case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding: "The specified text encoding isn’t applicable."
    case .fileReadTooLarge: "The item is too large."
    case .fileWriteOutOfSpace: "There isn’t enough space."
    case .fileWriteVolumeReadOnly: "The volume is read only."
    default: nil
    }
    return "The operation could not be completed. " + (reason ?? "(NSCocoaErrorDomain error \(cocoa.code.rawValue).)")
}
