// The error a conformance case throws when a backend breaks the IPAM contract.

import IPAMCore

/// A broken expectation of the IPAM contract, with a message saying what was expected and what happened.
public struct ConformanceFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was expected and what the backend did instead.
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Throws a ``ConformanceFailure`` with `message` unless `condition` holds.
func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(ConformanceFailure) {
    if !condition { throw ConformanceFailure(message()) }
}

/// Runs `body`, which must throw an `IPAMError` accepted by `matches`; returns that error.
@discardableResult
func requireIPAMError<T>(
    _ expectation: String,
    matching matches: (IPAMError) -> Bool,
    _ body: () async throws -> T
) async throws -> IPAMError {
    let result: T
    do {
        result = try await body()
    } catch let error as IPAMError {
        try require(matches(error), "expected \(expectation), got IPAMError \(error)")
        return error
    } catch {
        throw ConformanceFailure("expected \(expectation), got \(type(of: error)): \(error)")
    }
    throw ConformanceFailure("expected \(expectation), but the call succeeded with \(result)")
}
