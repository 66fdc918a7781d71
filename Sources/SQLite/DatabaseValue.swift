// The values that cross the SQLite boundary: bound arguments and the columns of fetched rows.

/// One SQLite value: NULL, an integer, a real or text (this project stores no blobs).
public enum DatabaseValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A Swift type stored as one SQLite value.
public protocol DatabaseValueConvertible: Sendable {
    /// The value to bind.
    var databaseValue: DatabaseValue { get }
    /// The Swift value of a column, or `nil` when the column holds another type.
    init?(databaseValue: DatabaseValue)
}

extension Int64: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(self) }
    public init?(databaseValue: DatabaseValue) {
        guard case .integer(let value) = databaseValue else { return nil }
        self = value
    }
}

extension Int: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .integer(Int64(self)) }
    public init?(databaseValue: DatabaseValue) {
        guard case .integer(let value) = databaseValue, let exact = Int(exactly: value) else { return nil }
        self = exact
    }
}

extension Double: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .real(self) }
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
}

extension String: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { .text(self) }
    public init?(databaseValue: DatabaseValue) {
        guard case .text(let value) = databaseValue else { return nil }
        self = value
    }
}

/// The values bound to a statement's `?` placeholders, in order: `[subnetID, offset]`.
public struct StatementArguments: Sendable, ExpressibleByArrayLiteral {
    /// The values, in placeholder order.
    public var values: [DatabaseValue]

    /// Arguments from values.
    public init(_ values: [any DatabaseValueConvertible]) { self.values = values.map(\.databaseValue) }

    public init(arrayLiteral elements: any DatabaseValueConvertible...) { self.init(elements) }
}

/// One fetched row: its columns in order and by name.
public struct Row: Sendable {
    /// The column names, in the statement's order.
    public let names: [String]
    /// The values, in the statement's order.
    public let values: [DatabaseValue]

    init(names: [String], values: [DatabaseValue]) {
        self.names = names
        self.values = values
    }

    /// The value of `column` as `T`.
    ///
    /// - Throws: ``DatabaseError`` when the row has no such column or it holds another type (NULL included).
    public subscript<T: DatabaseValueConvertible>(_ column: String) -> T {
        get throws(DatabaseError) {
            guard let index = names.firstIndex(of: column) else {
                throw DatabaseError(code: SQLiteResultCode.misuse, message: "the row has no column \(column)")
            }
            let value = values[index]
            guard let converted = T(databaseValue: value) else {
                throw DatabaseError(code: SQLiteResultCode.mismatch, message: "column \(column) holds \(value), not \(T.self)")
            }
            return converted
        }
    }
}
