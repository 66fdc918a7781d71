// One named behaviour of the conformance suite.

/// One behaviour of the IPAM contract, run by ``IPAMConformanceSuite/run(_:)``.
///
/// Test targets pass ``IPAMConformanceSuite/cases`` as `@Test(arguments:)`; the name is the test's label.
public struct ConformanceCase: Sendable, CustomStringConvertible {
    /// The behaviour, as a sentence.
    public let name: String
    let body: @Sendable (IPAMConformanceSuite) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (IPAMConformanceSuite) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var description: String { name }
}
