// Case-insensitive header lookup for the emulators' request and response values.

/// A message whose header fields are kept in order, as received or as they will be sent.
public protocol EmulatorHeaderFields {
    /// The header fields in order; names keep the case they were written with.
    var headers: [(name: String, value: String)] { get }
}

extension EmulatorHeaderFields {
    /// The first value of the header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}
