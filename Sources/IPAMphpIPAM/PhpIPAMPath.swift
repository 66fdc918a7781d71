// Builds phpIPAM API paths with path segments and query values percent-encoded.

enum PhpIPAMPath {
    private static let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded.
    static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }

    static func subnet(_ id: Int) -> String { "/subnets/\(id)/" }
    static func subnetAddresses(_ id: Int) -> String { "/subnets/\(id)/addresses/" }
    static func subnetAddress(_ id: Int, ip: String) -> String { "/subnets/\(id)/addresses/\(encode(ip))/" }
    static func subnetAddresses(_ id: Int, filterBy field: String, value: String) -> String {
        "/subnets/\(id)/addresses/?filter_by=\(encode(field))&filter_value=\(encode(value))"
    }
    static func address(_ id: Int) -> String { "/addresses/\(id)/" }
    static func addresses() -> String { "/addresses/" }
    static func firstFree(_ subnetID: Int) -> String { "/addresses/first_free/\(subnetID)/" }
    static func searchHostname(_ hostname: String) -> String { "/addresses/search_hostname/\(encode(hostname))/" }
}
