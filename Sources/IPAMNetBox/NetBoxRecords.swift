// The parts of NetBox's JSON objects the backend reads: IP addresses, prefixes, IP ranges and list pages.
import IPAddressing

/// A choice field such as `"status":{"value":"active","label":"Active"}`.
struct NetBoxChoice: Decodable, Sendable, Equatable {
    var value: String
}

/// A custom field value: NetBox returns every defined field, `null` when unset.
enum NetBoxFieldValue: Decodable, Sendable, Equatable {
    case text(String)
    case null
    /// A number, list or object: never one of the backend's marks.
    case other

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .other
        }
    }

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }
}

/// An IP address object (`/api/ipam/ip-addresses/`), as far as the backend reads it.
struct NetBoxAddressRecord: Decodable, Sendable, Equatable {
    struct Tag: Decodable, Sendable, Equatable {
        var slug: String
    }

    var id: Int
    /// The host address (the mask of `address` dropped).
    var ip: IPAddress
    /// The mask length NetBox stored with the address.
    var prefixLength: Int
    var status: String
    var role: String?
    var dnsName: String
    var description: String
    var tags: [String]
    var customFields: [String: NetBoxFieldValue]

    enum CodingKeys: String, CodingKey {
        case id, address, status, role, description, tags
        case dnsName = "dns_name"
        case customFields = "custom_fields"
    }

    init(
        id: Int, ip: IPAddress, prefixLength: Int, status: String, role: String? = nil, dnsName: String = "", description: String = "",
        tags: [String] = [], customFields: [String: NetBoxFieldValue] = [:]
    ) {
        self.id = id
        self.ip = ip
        self.prefixLength = prefixLength
        self.status = status
        self.role = role
        self.dnsName = dnsName
        self.description = description
        self.tags = tags
        self.customFields = customFields
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        let text = try container.decode(String.self, forKey: .address)
        (ip, prefixLength) = try NetBoxAddressText.parse(text, codingPath: container.codingPath + [CodingKeys.address])
        status = try container.decodeIfPresent(NetBoxChoice.self, forKey: .status)?.value ?? "active"
        role = try container.decodeIfPresent(NetBoxChoice.self, forKey: .role)?.value
        dnsName = try container.decodeIfPresent(String.self, forKey: .dnsName) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        tags = try container.decodeIfPresent([Tag].self, forKey: .tags)?.map(\.slug) ?? []
        customFields = try container.decodeIfPresent([String: NetBoxFieldValue].self, forKey: .customFields) ?? [:]
    }
}

/// A prefix object (`/api/ipam/prefixes/`).
struct NetBoxPrefixRecord: Decodable, Sendable, Equatable {
    var id: Int
    var prefix: IPPrefix
    var status: String

    enum CodingKeys: String, CodingKey {
        case id, prefix, status
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        let text = try container.decode(String.self, forKey: .prefix)
        guard let prefix = IPPrefix(text) else {
            throw DecodingError.dataCorruptedError(forKey: .prefix, in: container, debugDescription: "\(text) is not a prefix")
        }
        self.prefix = prefix
        status = try container.decodeIfPresent(NetBoxChoice.self, forKey: .status)?.value ?? "active"
    }
}

/// An IP range object (`/api/ipam/ip-ranges/`).
struct NetBoxRangeRecord: Decodable, Sendable, Equatable {
    var id: Int
    var range: IPRange
    var markPopulated: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case start = "start_address"
        case end = "end_address"
        case markPopulated = "mark_populated"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        let start = try NetBoxAddressText.parse(try container.decode(String.self, forKey: .start), codingPath: container.codingPath).ip
        let end = try NetBoxAddressText.parse(try container.decode(String.self, forKey: .end), codingPath: container.codingPath).ip
        guard let range = IPRange(first: start, last: end) else {
            throw DecodingError.dataCorruptedError(forKey: .end, in: container, debugDescription: "\(start)-\(end) is not a range")
        }
        self.range = range
        markPopulated = try container.decodeIfPresent(Bool.self, forKey: .markPopulated) ?? false
    }
}

/// One page of a NetBox list: `{"count","next","previous","results"}`.
struct NetBoxPage<Record: Decodable & Sendable>: Decodable, Sendable {
    var count: Int
    var next: String?
    var results: [Record]
}

/// `192.168.110.3/24` → address and mask length.
enum NetBoxAddressText {
    static func parse(_ text: String, codingPath: [any CodingKey]) throws -> (ip: IPAddress, prefixLength: Int) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let ip = IPAddress(String(parts[0])) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(text) is not an IP address"))
        }
        guard parts.count == 2 else { return (ip, ip.family.bitWidth) }
        guard let length = Int(parts[1]), (0...ip.family.bitWidth).contains(length) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(text) has no valid mask"))
        }
        return (ip, length)
    }
}
