// events.k8s.io/v1 and core v1 Events share one storage, as in kube-apiserver; this converts between the two shapes.

/// Field renames between `events.k8s.io/v1` Event and core `v1` Event (`k8s.io/kubernetes/pkg/apis/events/v1/conversion.go`).
enum EventConversion {
    /// (events.k8s.io/v1 name, core v1 name).
    private static let renames: [(String, String)] = [
        ("regarding", "involvedObject"),
        ("note", "message"),
        ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"),
        ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"),
        ("deprecatedCount", "count"),
    ]

    static let group = "events.k8s.io"

    /// A stored (core) Event as events.k8s.io/v1 serves it.
    static func toEventsV1(_ core: JSON) -> JSON {
        guard var members = core.objectValue else { return core }
        for (newName, oldName) in renames {
            let value = members.removeValue(forKey: oldName)
            members[newName] = value
        }
        members["apiVersion"] = "events.k8s.io/v1"
        members["kind"] = "Event"
        return .object(members)
    }

    /// An events.k8s.io/v1 Event in the stored (core) shape.
    static func toCore(_ event: JSON) -> JSON {
        guard var members = event.objectValue else { return event }
        for (newName, oldName) in renames {
            let value = members.removeValue(forKey: newName)
            members[oldName] = value
        }
        members["apiVersion"] = "v1"
        members["kind"] = "Event"
        return .object(members)
    }
}
