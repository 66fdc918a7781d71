// The simulated cluster of the lab as plain values: nodes, zones, addresses, config and manifests.

/// One simulated node: its name, zone, network namespace and "host NIC" address.
struct LabNode: Sendable, Hashable {
    var name: String
    var zone: String
    var region: String
    /// The namespace its agent's netlink work happens in.
    var namespace: String
    /// The node's InternalIP, held by `host0` inside the namespace.
    var internalIP: String
    var internalPrefixLength: Int
    /// The agent's health/metrics port.
    var agentPort: Int
}

/// The shape of a lab run, computed from the command-line options alone (no I/O).
struct LabTopology: Sendable {
    static let region = "lab-region"
    static let hostInterface = "host0"
    static let peerInterface = "peer0"
    static let overlayDevice = "tmp0"
    /// The StaticRoute every node gets (the original project's example).
    static let routeName = "onprem-192.168.0.0-24"
    static let routeSubnet = "192.168.0.0/24"
    /// The IPv6 StaticRoute of a dual-stack lab.
    static let routeV6Name = "onprem-fd00-192-168--64"
    static let routeV6Subnet = "fd00:192:168::/64"

    var nodes: [LabNode]
    var zones: [String]
    var runID: String
    /// Every zone also has an IPv6 subnet (after its IPv4 one: IPv4 is the primary family), and an IPv6
    /// StaticRoute selects every node.
    var dualStack: Bool

    /// `nodeCount` nodes spread round-robin over `zoneCount` zones (`lab-zone-a`, `lab-zone-b`, …).
    init(nodeCount: Int, zoneCount: Int, runID: String, firstAgentPort: Int, dualStack: Bool = false) {
        self.runID = runID
        self.dualStack = dualStack
        zones = (0..<zoneCount).map { "lab-zone-\(Self.letter($0))" }
        nodes = (0..<nodeCount).map { index in
            let zoneIndex = index % zoneCount
            return LabNode(
                name: "lab-node-\(index + 1)", zone: "lab-zone-\(Self.letter(zoneIndex))", region: Self.region,
                namespace: "olab-\(runID)-\(index + 1)", internalIP: "10.77.\(zoneIndex).\(index + 10)",
                internalPrefixLength: 24, agentPort: firstAgentPort + index)
        }
    }

    /// The overlay subnet of zone `index` (one /24 per zone: 192.168.200.0/24, 192.168.201.0/24, …).
    func overlaySubnet(zoneIndex: Int) -> (subnet: String, gateway: String) {
        ("192.168.\(200 + zoneIndex).0/24", "192.168.\(200 + zoneIndex).1")
    }

    /// The IPv6 overlay subnet of zone `index` in a dual-stack lab (fd00:200:0::/64, fd00:200:1::/64, …).
    func overlayV6Subnet(zoneIndex: Int) -> (subnet: String, gateway: String) {
        ("fd00:200:\(zoneIndex)::/64", "fd00:200:\(zoneIndex)::1")
    }

    /// The routes every node must apply: the IPv4 one, and in a dual-stack lab the IPv6 one.
    var routes: [(name: String, subnet: String)] {
        [(Self.routeName, Self.routeSubnet)] + (dualStack ? [(Self.routeV6Name, Self.routeV6Subnet)] : [])
    }

    /// The operator's configuration for the local SQLite backend.
    func localConfiguration(database: String) -> String {
        var yaml = """
            clusterID: overlay-lab
            ipam:
              backend: local
              local:
                database: \(database)
                releaseCooldown: 30s
                zones:

            """
        for (index, zone) in zones.enumerated() {
            let (subnet, gateway) = overlaySubnet(zoneIndex: index)
            yaml += "      \(zone):\n        - {subnet: \(subnet), gateway: \(gateway)}\n"
            if dualStack {
                let (v6Subnet, v6Gateway) = overlayV6Subnet(zoneIndex: index)
                yaml += "        - {subnet: \"\(v6Subnet)\", gateway: \"\(v6Gateway)\"}\n"
            }
        }
        return yaml
    }

    /// The phpIPAM subnet id of zone `index`'s IPv6 subnet in a dual-stack lab.
    static func phpIPAMV6SubnetID(zoneIndex: Int) -> Int { 200 + zoneIndex }

    /// The operator's configuration for the phpIPAM test server (zone `index` maps to subnet 100 + index, and in
    /// a dual-stack lab to 200 + index after it).
    func phpIPAMConfiguration(url: String, appID: String, tokenFile: String) -> String {
        var yaml = """
            clusterID: overlay-lab
            ipam:
              backend: phpipam
              phpipam:
                url: \(url)
                appID: \(appID)
                credentials: {tokenFile: \(tokenFile)}
                subnetMap:

            """
        for (index, zone) in zones.enumerated() {
            let ids = [100 + index] + (dualStack ? [Self.phpIPAMV6SubnetID(zoneIndex: index)] : [])
            yaml += "      \(zone): [\(ids.map(String.init).joined(separator: ", "))]\n"
        }
        return yaml
    }

    /// The API token of the lab's NetBox test server (v1: 40 characters).
    static let netBoxToken = "0ver1ay1ab000000000000000000000000000000"

    /// The operator's configuration for the NetBox test server (zone `index` maps to prefix 100 + index).
    func netBoxConfiguration(url: String, tokenFile: String) -> String {
        var yaml = """
            clusterID: overlay-lab
            ipam:
              backend: netbox
              netbox:
                url: \(url)
                credentials: {tokenFile: \(tokenFile)}
                releaseCooldown: 30s
                prefixMap:

            """
        for (index, zone) in zones.enumerated() {
            yaml += "      \(zone): [\(100 + index)]\n"
        }
        return yaml
    }

    /// The Node object of `node`, as JSON.
    func nodeJSON(_ node: LabNode) -> String {
        """
        {"apiVersion":"v1","kind":"Node","metadata":{"name":"\(node.name)","labels":{\
        "kubernetes.io/hostname":"\(node.name)","topology.kubernetes.io/zone":"\(node.zone)",\
        "topology.kubernetes.io/region":"\(node.region)"}},\
        "status":{"addresses":[{"type":"InternalIP","address":"\(node.internalIP)"},{"type":"Hostname","address":"\(node.name)"}],\
        "conditions":[{"type":"Ready","status":"True","reason":"KubeletReady","message":"simulated by overlay-lab"}]}}
        """
    }

    /// The lab's StaticRoutes, as JSON.
    var staticRoutesJSON: [String] {
        routes.map { route in
            """
            {"apiVersion":"iks.ibm.com/v1alpha1","kind":"StaticRoute","metadata":{"name":"\(route.name)"},"spec":{"subnet":"\(route.subnet)"}}
            """
        }
    }

    private static func letter(_ index: Int) -> String {
        let scalars = Array("abcdefghijklmnopqrstuvwxyz")
        return index < scalars.count ? String(scalars[index]) : "z\(index)"
    }
}
