// Classifies NetBox failures as retryable or permanent IPAM errors, each saying what to fix.
import HTTP
import IPAMCore

/// What the mapping needs to say what to fix.
struct NetBoxErrorContext: Sendable {
    /// Where the token came from (`NETBOX_TOKEN`, `the token file …`).
    var tokenSource: String
    /// Whether the token is a v2 token (`nbt_…`).
    var tokenIsVersion2: Bool
    var url: String
    var tag: String
    var clusterField: String
    /// For a request about one configured prefix: `ipam.netbox.prefixMap.dal10[0] (prefix id 12)`.
    var prefix: String?

    /// The same context about the configured prefix at `path`.
    func about(prefix path: String, _ reference: NetBoxPrefixReference) -> NetBoxErrorContext {
        var copy = self
        copy.prefix = "\(path) (\(reference))"
        return copy
    }
}

/// Pure mapping rules from transport errors and NetBox answers to ``IPAMError``.
enum NetBoxErrorMapping {
    static let permissionDenied = "You do not have permission to perform this action."
    static let permissionHint =
        "give the token's user ObjectPermissions to view, add, change and delete IPAM > IP addresses and to view IPAM > prefixes and IP ranges, and make the token write-enabled"

    /// The error for an HTTP client failure talking to `url`.
    static func map(_ error: HTTPError, url: String) -> IPAMError {
        switch error {
        case .connectionFailed, .timedOut, .transport:
            return .backendUnavailable("NetBox at \(url): \(error)")
        case .tls(let message):
            return .invalidConfiguration(
                "TLS to NetBox at \(url) failed: \(message); set ipam.netbox.caFile to the CA that signed the server certificate (or serverName to the name in it)")
        case .invalidRequest(let message):
            return .invalidConfiguration("cannot send requests to NetBox at \(url): \(message); check ipam.netbox.url, caFile and serverName")
        case .cancelled:
            return .backendUnavailable("the request to NetBox at \(url) was cancelled")
        }
    }

    /// Whether a 403 is about the token itself (unknown, malformed, missing) rather than a missing permission.
    static func isAuthenticationFailure(_ failure: NetBoxFailure) -> Bool {
        failure.status == 403 && failure.message != permissionDenied
    }

    /// The error for an answer no caller handled specially.
    static func map(_ failure: NetBoxFailure, context: NetBoxErrorContext) -> IPAMError {
        switch failure.status {
        case 403 where failure.message == permissionDenied:
            return .rejected("\(failure.summary); \(permissionHint)")
        case 403:
            var hint = "NetBox did not accept the API token from \(context.tokenSource); put a valid token of the operator's NetBox user there"
            if context.tokenIsVersion2, let version = failure.apiVersion, isBefore45(version) {
                hint = "NetBox \(version) has no v2 tokens (nbt_…); create a v1 token for the operator's user and put it into \(context.tokenSource)"
            }
            return .rejected("\(failure.summary); \(hint)")
        case 404 where failure.isHTML:
            return .invalidConfiguration(
                "\(failure.summary) (an unknown path): \(context.url) does not look like the NetBox base URL; set ipam.netbox.url to the address of the NetBox web UI, without /api")
        case 404 where context.prefix != nil:
            return .invalidConfiguration("\(context.prefix ?? ""): NetBox has no such prefix (\(failure.summary)); fix the prefix id or CIDR")
        case 400 where failure.fieldErrors["custom_fields"] != nil:
            return .invalidConfiguration(
                "\(failure.summary); create the text custom field \(context.clusterField) on IPAM > IP address in NetBox (filter logic exact), or set ipam.netbox.clusterField to an existing one")
        case 400 where failure.fieldErrors["tags"] != nil || failure.fieldErrors["tag"] != nil:
            return .invalidConfiguration("\(failure.summary); create the tag \(context.tag) in NetBox, or set ipam.netbox.tag to the slug of an existing one")
        case 406:
            return .rejected("\(failure.summary); this NetBox refuses the API version the client asked for")
        case 408, 429, 500...:
            return .backendUnavailable(failure.summary)
        default:
            return .rejected(failure.summary)
        }
    }

    /// Whether an `API-Version` such as `4.4` is older than 4.5 (the first release with v2 tokens).
    static func isBefore45(_ version: String) -> Bool {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard let major = parts.first else { return false }
        let minor = parts.count > 1 ? parts[1] : 0
        return major < 4 || (major == 4 && minor < 5)
    }

    /// The error for an address the backend created without the cluster custom field: NetBox 4.4 drops
    /// unknown custom fields silently instead of answering 400.
    static func missingClusterField(_ context: NetBoxErrorContext) -> IPAMError {
        .invalidConfiguration(
            "NetBox stored the new address without the custom field \(context.clusterField), so it does not exist on IP addresses; create it in NetBox (Customization > Custom fields: type text, object type IPAM > IP address, filter logic exact) or set ipam.netbox.clusterField")
    }
}
