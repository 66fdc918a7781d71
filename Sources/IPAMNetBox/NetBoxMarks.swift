// How the backend marks NetBox addresses as one cluster's and one node's, and reads those marks back.
import IPAMCore
import IPAddressing

/// The marks on an address the operator holds, and the pure rules that read them.
///
/// An address belongs to owner (cluster C, node N) when it carries the tag, the custom field holds exactly C
/// and `dns_name` is N (NetBox lower-cases `dns_name`; Kubernetes node names are lower case). The
/// description repeats the node name for people. A released address keeps the tag and the cluster, gets
/// status `deprecated`, an empty `dns_name` and the release time in its description until the cool-down ends.
/// Addresses the server offered that must never be handed out are kept as status `reserved` with only the tag.
struct NetBoxMarks: Sendable, Equatable {
    /// The description prefix of held addresses.
    static let heldPrefix = "overlay-ip-controller: "
    /// The description prefix of released addresses: `… <node> at <unix seconds>`.
    static let releasedPrefix = "overlay-ip-controller: released "
    /// The description prefix of addresses kept out of use.
    static let blockedPrefix = "overlay-ip-controller: never hand out: "

    var tag: String
    var clusterField: String
    var clusterID: String

    /// Whether the address carries this cluster's tag and custom field value (compared exactly, whatever
    /// filter logic the field has in NetBox).
    func isOurs(_ record: NetBoxAddressRecord) -> Bool {
        record.tags.contains(tag) && record.customFields[clusterField]?.text == clusterID
    }

    /// The owner of an address this cluster holds (active, ours, with a node name), or `nil`.
    func owner(of record: NetBoxAddressRecord) -> IPAMOwner? {
        guard record.status == "active", isOurs(record), !record.dnsName.isEmpty else { return nil }
        // Prefer the description's spelling of the node name when it matches the lower-cased dns_name.
        var node = record.dnsName
        if record.description.hasPrefix(Self.heldPrefix) {
            let described = String(record.description.dropFirst(Self.heldPrefix.count))
            if described.lowercased() == record.dnsName { node = described }
        }
        return IPAMOwner(clusterID: clusterID, nodeName: node)
    }

    /// Who holds an address by these marks, of whatever cluster (to name the holder in an error), or `nil`.
    func holder(of record: NetBoxAddressRecord) -> IPAMOwner? {
        guard let cluster = record.customFields[clusterField]?.text, !cluster.isEmpty else { return nil }
        return NetBoxMarks(tag: tag, clusterField: clusterField, clusterID: cluster).owner(of: record)
    }

    /// When this cluster released the address (Unix seconds), if it is one of its cooling addresses.
    func releaseTime(of record: NetBoxAddressRecord) -> Int64? {
        guard record.status == "deprecated", isOurs(record), record.description.hasPrefix(Self.releasedPrefix) else { return nil }
        let words = record.description.split(separator: " ")
        guard words.count >= 2, words[words.count - 2] == "at", let last = words.last else { return nil }
        return Int64(last)
    }

    /// The fields that mark a new address as `owner`'s.
    func held(by owner: IPAMOwner) -> NetBoxAddressBody {
        NetBoxAddressBody(
            status: "active", dnsName: owner.nodeName.lowercased(), description: Self.heldPrefix + owner.nodeName, tags: [tag],
            customFields: [clusterField: clusterID])
    }

    /// The fields of an address `owner` released at `time` (Unix seconds).
    func released(by owner: IPAMOwner, at time: Int64) -> NetBoxAddressBody {
        NetBoxAddressBody(
            status: "deprecated", dnsName: "", description: "\(Self.releasedPrefix)\(owner.nodeName) at \(time)", tags: [tag],
            customFields: [clusterField: clusterID])
    }

    /// The fields of an address the server offered that must never be handed out.
    func blocked(because reason: String) -> NetBoxAddressBody {
        NetBoxAddressBody(
            status: "reserved", dnsName: "", description: Self.blockedPrefix + reason, tags: [tag], customFields: [clusterField: nil])
    }
}

/// The writable fields of an IP address the backend sends (POST and PATCH bodies).
struct NetBoxAddressBody: Encodable, Sendable, Equatable {
    struct TagReference: Encodable, Sendable, Equatable {
        var slug: String
    }

    /// Only for `POST /api/ipam/ip-addresses/` (a specific address); available-ips ignores it.
    var address: String?
    var status: String
    var dnsName: String
    var description: String
    var tags: [TagReference]
    var customFields: [String: String?]

    init(address: String? = nil, status: String, dnsName: String, description: String, tags: [String], customFields: [String: String?]) {
        self.address = address
        self.status = status
        self.dnsName = dnsName
        self.description = description
        self.tags = tags.map(TagReference.init)
        self.customFields = customFields
    }

    enum CodingKeys: String, CodingKey {
        case address, status, description, tags
        case dnsName = "dns_name"
        case customFields = "custom_fields"
    }
}
