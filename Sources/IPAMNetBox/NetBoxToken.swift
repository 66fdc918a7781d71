// Loads the NetBox API token (file or environment) and forms its Authorization header, never logging it.
import FoundationEssentials
import FoundationExtras
import IPAMCore

/// The API token and where it came from.
struct NetBoxToken: Sendable, Equatable {
    var value: String
    /// `the token file /etc/netbox/token` or `NETBOX_TOKEN`, for messages.
    var source: String

    /// `Bearer nbt_…` for v2 tokens (NetBox 4.5+), `Token …` for v1 tokens.
    var authorization: String {
        isVersion2 ? "Bearer \(value)" : "Token \(value)"
    }

    /// Whether this is a v2 token (`nbt_<key>.<secret>`), which NetBox 4.4 and older do not know.
    var isVersion2: Bool { value.hasPrefix("nbt_") }

    /// Reads the token `credentials` name; `environment` stands in for the process environment in tests.
    static func load(_ credentials: NetBoxCredentials, environment: [String: String]) throws(IPAMError) -> NetBoxToken {
        switch credentials {
        case .environment:
            let variable = NetBoxCredentials.tokenVariable
            guard let value = environment[variable]?.trimmingWhitespaceAndNewlines(), !value.isEmpty else {
                throw .invalidConfiguration(
                    "the NetBox token comes from the environment, but \(variable) is unset or empty; set it (e.g. from a Secret) or configure ipam.netbox.credentials.tokenFile")
            }
            return NetBoxToken(value: value, source: variable)
        case .tokenFile(let file):
            return NetBoxToken(value: try read(file), source: "the token file \(file)")
        }
    }

    /// The trimmed content of the token file (a trailing newline from `echo` or a Secret is dropped).
    static func read(_ file: String) throws(IPAMError) -> String {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .invalidConfiguration(
                "ipam.netbox.credentials.tokenFile: cannot read the NetBox token file \(file); check that it exists and is readable")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingWhitespaceAndNewlines()
        guard !text.isEmpty else { throw .invalidConfiguration("ipam.netbox.credentials.tokenFile: the NetBox token file \(file) is empty") }
        return text
    }
}
