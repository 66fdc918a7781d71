// The typed error of configuration parsing: every problem found, each with its YAML path.

/// One thing wrong with a configuration file: where (a YAML path) and what to do about it.
public struct ConfigurationProblem: Hashable, Sendable, CustomStringConvertible {
    /// The YAML path of the offending value, e.g. `ipam.local.zones.dal10[0].gateway`;
    /// empty for problems with the document as a whole (such as a YAML syntax error).
    public var path: String
    /// What is wrong and what to do, e.g. `10.0.0.1 is outside 192.168.100.0/24; ...`.
    public var message: String

    /// Creates a problem at `path`.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    /// `path: message`, or just the message for whole-document problems.
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// A configuration that cannot be used, with every problem found (validation does not stop at the first).
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems in the order found (broadly document order); never empty.
    public var problems: [ConfigurationProblem]

    /// Creates an error from `problems`.
    public init(problems: [ConfigurationProblem]) {
        self.problems = problems
    }

    /// One line per problem, each `path: message`.
    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
