// The one-line failures of the overlay-ipam commands that do not come from a backend.

/// Why a command could not do its job, as one line saying what to do.
public struct CommandFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line printed on standard error.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
