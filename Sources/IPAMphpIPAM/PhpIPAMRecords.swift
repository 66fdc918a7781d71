// Decodes phpIPAM answers robustly: envelopes, subnets and addresses, numbers given as numbers or strings.
import FoundationEssentials
import FoundationExtras
import IPAddressing
import IPAMCore

/// The envelope every phpIPAM JSON answer has: `{"code":…,"success":…,"message":…,"id":…,"data":…}`.
struct PhpIPAMEnvelope: Decodable {
    var code: Int?
    var success: Bool?
    var message: String?
    /// The id of a created row (a string on the wire, read leniently).
    var id: Int?

    private enum CodingKeys: String, CodingKey { case code, success, message, id }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = container.lenientInt(.code)
        success = container.lenientBool(.success)
        message = try? container.decodeIfPresent(String.self, forKey: .message)
        id = container.lenientInt(.id)
    }
}

/// Reads only `data` of an envelope as `Payload`.
struct PhpIPAMDataEnvelope<Payload: Decodable>: Decodable {
    var data: Payload
}

/// A subnet as `GET /subnets/{id}/` returns it; only what the backend needs.
struct PhpIPAMSubnetRecord: Decodable, Sendable {
    var id: Int
    var prefix: IPPrefix
    /// The gateway address, from the `gateway` object; nil when the subnet has none (phpIPAM leaves the key out).
    var gateway: IPAddress?
    var isFull: Bool

    private enum CodingKeys: String, CodingKey { case id, subnet, mask, gateway, isFull }
    private enum GatewayKeys: String, CodingKey { case ipAddress = "ip_addr" }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let id = container.lenientInt(.id) else {
            throw DecodingError.dataCorruptedError(forKey: .id, in: container, debugDescription: "subnet without a numeric id")
        }
        let network = try container.decode(String.self, forKey: .subnet)
        guard let mask = container.lenientInt(.mask) else {
            throw DecodingError.dataCorruptedError(forKey: .mask, in: container, debugDescription: "subnet \(id) has no numeric mask")
        }
        do {
            prefix = try IPPrefix(parsing: "\(network)/\(mask)", allowHostBits: true)
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .subnet, in: container, debugDescription: "subnet \(id): \(network)/\(mask) is not a prefix: \(error)")
        }
        self.id = id
        if let gatewayObject = try? container.nestedContainer(keyedBy: GatewayKeys.self, forKey: .gateway),
            let text = try? gatewayObject.decode(String.self, forKey: .ipAddress)
        {
            gateway = PhpIPAMAddressText.parse(text)
        } else {
            gateway = nil
        }
        isFull = container.lenientInt(.isFull).map { $0 != 0 } ?? false
    }
}

/// An address row as phpIPAM returns it in lists, searches and `GET /addresses/{id}/`.
struct PhpIPAMAddressRecord: Decodable, Sendable, Equatable {
    var id: Int
    var subnetID: Int
    var ip: IPAddress
    var hostname: String?
    var isGateway: Bool
    /// Every member whose value is a string or a number, as text (`owner`, custom fields, …).
    var fields: [String: String]

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        var fields: [String: String] = [:]
        for key in container.allKeys {
            if let text = container.lenientString(key) { fields[key.stringValue] = text }
        }
        guard let id = fields["id"].flatMap({ Int($0) }), let subnetID = fields["subnetId"].flatMap({ Int($0) }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "address without numeric id and subnetId"))
        }
        guard let ipText = fields["ip"] ?? fields["ip_addr"], let ip = PhpIPAMAddressText.parse(ipText) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "address \(id) has no readable ip"))
        }
        self.id = id
        self.subnetID = subnetID
        self.ip = ip
        hostname = fields["hostname"]
        isGateway = fields["is_gateway"] == "1"
        self.fields = fields
    }
}

/// Reads addresses phpIPAM prints dotted, or (in `search_linked` and tag lists) as a decimal string.
enum PhpIPAMAddressText {
    static func parse(_ text: String) -> IPAddress? {
        if let address = IPAddress(text) { return address }
        guard !text.isEmpty, text.allSatisfy(\.isASCII), let value = UInt128(text) else { return nil }
        return IPAddress(family: value <= UInt128(UInt32.max) ? .v4 : .v6, value: value)
    }
}

/// A coding key for objects whose keys are not known in advance.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension KeyedDecodingContainer {
    /// An integer given as a JSON number or a numeric string.
    func lenientInt(_ key: Key) -> Int? {
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return value }
        if let text = try? decodeIfPresent(String.self, forKey: key) { return Int(text.trimmingWhitespace()) }
        if let value = try? decodeIfPresent(Double.self, forKey: key), value.rounded() == value { return Int(exactly: value) }
        return nil
    }

    /// A boolean given as `true`/`false`, `1`/`0` or `"1"`/`"0"`.
    func lenientBool(_ key: Key) -> Bool? {
        if let value = try? decodeIfPresent(Bool.self, forKey: key) { return value }
        return lenientInt(key).map { $0 != 0 }
    }

    /// A string, or a number turned into text; nil for null, arrays and objects.
    func lenientString(_ key: Key) -> String? {
        if let text = try? decodeIfPresent(String.self, forKey: key) { return text }
        if let value = try? decodeIfPresent(Int.self, forKey: key) { return String(value) }
        if let value = try? decodeIfPresent(Double.self, forKey: key) { return String(value) }
        return nil
    }
}

extension PhpIPAMAddressRecord {
    /// A record built from a create answer (`POST` returns only the id and the address).
    init(id: Int, subnetID: Int, ip: IPAddress, hostname: String?, fields: [String: String]) {
        self.id = id
        self.subnetID = subnetID
        self.ip = ip
        self.hostname = hostname
        isGateway = false
        self.fields = fields
    }
}

/// A list of address rows in which unreadable rows are skipped instead of failing the whole list.
struct PhpIPAMAddressList: Decodable {
    var rows: [PhpIPAMAddressRecord]
    /// How many rows could not be read.
    var skipped: Int

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var rows: [PhpIPAMAddressRecord] = []
        var skipped = 0
        while !container.isAtEnd {
            if let row = try? container.decode(PhpIPAMAddressRecord.self) {
                rows.append(row)
            } else {
                skipped += 1
                _ = try? container.decode(SkippedValue.self)
            }
        }
        self.rows = rows
        self.skipped = skipped
    }

    /// Consumes one element of any shape.
    private struct SkippedValue: Decodable {
        init(from decoder: any Decoder) throws {}
    }
}
