// The inputs of the micro-benchmarks: API list bodies as the server sends them, a configuration, a node's objects.
import IPAddressing

/// Deterministic inputs, built once per benchmark run.
enum Fixtures {
    static let nodeCount = 500
    static let routeCount = 100

    /// A `NodeList` of `count` nodes as kube-apiserver serialises them (labels, addresses, conditions).
    static func nodeList(_ count: Int = nodeCount) -> [UInt8] {
        list("NodeList", "v1", (0..<count).map { index in
            """
            {"metadata":{"name":"worker-\(index)","uid":"uid-\(index)","resourceVersion":"\(1000 + index)",\
            "creationTimestamp":"2026-01-01T00:00:00Z","labels":{"kubernetes.io/hostname":"worker-\(index)",\
            "topology.kubernetes.io/region":"us-south","topology.kubernetes.io/zone":"dal1\(index % 3)"}},\
            "spec":{"podCIDR":"172.30.\(index % 256).0/24","providerID":"ibm://worker-\(index)"},\
            "status":{"addresses":[{"type":"InternalIP","address":"10.0.\(index / 256).\(index % 256)"},\
            {"type":"Hostname","address":"worker-\(index)"}],"conditions":[{"type":"Ready","status":"True",\
            "lastHeartbeatTime":"2026-01-01T00:00:00Z","lastTransitionTime":"2026-01-01T00:00:00Z",\
            "reason":"KubeletReady","message":"kubelet is posting ready status"}],\
            "nodeInfo":{"kubeletVersion":"v1.32.0","osImage":"Ubuntu 24.04","architecture":"amd64"}}}
            """
        })
    }

    /// A `NodeOverlayIpList` of `count` configured nodes, each reporting `routes` applied routes.
    static func overlayList(_ count: Int = nodeCount, routes: Int = 3) -> [UInt8] {
        list("NodeOverlayIpList", "iks.ibm.com/v1alpha1", (0..<count).map { index in
            let address = "192.168.\(100 + index / 250).\(2 + index % 250)"
            let reports = (0..<routes).map { route in
                """
                {"name":"onprem-\(route)","subnet":"10.\(100 + route).0.0/16","gateway":"192.168.100.1",\
                "device":"tmp0","table":254,"state":"Applied"}
                """
            }.joined(separator: ",")
            return """
                {"metadata":{"name":"worker-\(index)","uid":"noip-\(index)","resourceVersion":"\(5000 + index)",\
                "creationTimestamp":"2026-01-01T00:00:00Z","finalizers":["iks.ibm.com/overlay-ip"],\
                "labels":{"node":"worker-\(index)","region":"us-south","zone":"dal1\(index % 3)"}},\
                "status":{"ipAddr":"\(address)/24","gateway":"192.168.100.1","zone":"dal1\(index % 3)",\
                "subnet":"192.168.100.0/24","interface":"eth0","interfaceLabel":"tmp0","configuredAddress":"\(address)/24",\
                "routes":[\(reports)],"conditions":[{"type":"Reserved","status":"True","reason":"Reserved",\
                "message":"held in the IPAM","lastTransitionTime":"2026-01-01T00:00:00Z"},{"type":"Ready",\
                "status":"True","reason":"Configured","message":"configured on the node",\
                "lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
                """
        })
    }

    /// A `StaticRouteList` of `count` routes, some scoped to a zone, with an aggregated status.
    static func routeList(_ count: Int = routeCount) -> [UInt8] {
        list("StaticRouteList", "iks.ibm.com/v1alpha1", (0..<count).map { index in
            let zone = index % 4 == 0 ? #","labels":{"zone":"dal10"}"# : ""
            return """
                {"metadata":{"name":"onprem-\(index)","uid":"sr-\(index)","resourceVersion":"\(9000 + index)",\
                "generation":1,"creationTimestamp":"2026-01-01T00:00:00Z"\(zone)},\
                "spec":{"subnet":"10.\(index / 200).\(index % 200).0/24","gateway":"192.168.100.1","table":\(100 + index % 3)},\
                "status":{"appliedNodes":3,"selectedNodes":3,"ready":"3/3","observedGeneration":1,\
                "nodeStatus":[{"hostname":"worker-0","gateway":"192.168.100.1","device":"tmp0","state":"Applied"},\
                {"hostname":"worker-1","gateway":"192.168.100.1","device":"tmp0","state":"Applied"},\
                {"hostname":"worker-2","gateway":"192.168.100.1","device":"tmp0","state":"Applied"}],\
                "conditions":[{"type":"Ready","status":"True","reason":"Applied","message":"applied on 3/3 nodes",\
                "lastTransitionTime":"2026-01-01T00:00:00Z"}]}}
                """
        })
    }

    /// The configuration file of a cluster with three zones of two subnets each, reserved ranges included.
    static let configuration = """
        clusterID: prod-dal
        ipam:
          backend: local
          local:
            database: /var/lib/overlay-ipam/ipam.db
            releaseCooldown: 5m
            zones:
              dal10:
                - {subnet: 192.168.100.0/24, gateway: 192.168.100.1, reserved: ["192.168.100.2-192.168.100.9"]}
                - {subnet: 192.168.110.0/23, gateway: 192.168.110.1, reserved: ["192.168.110.2", "192.168.111.250-192.168.111.254"]}
              dal12:
                - {subnet: 192.168.101.0/24, gateway: 192.168.101.1}
                - {subnet: 192.168.112.0/23}
              dal13:
                - {subnet: 192.168.102.0/24, gateway: 192.168.102.1, reserved: ["192.168.102.2-192.168.102.20"]}
                - {subnet: 192.168.114.0/23}
        """

    private static func list(_ kind: String, _ apiVersion: String, _ items: [String]) -> [UInt8] {
        Array("""
            {"kind":"\(kind)","apiVersion":"\(apiVersion)","metadata":{"resourceVersion":"123456"},\
            "items":[\(items.joined(separator: ","))]}
            """.utf8)
    }
}
