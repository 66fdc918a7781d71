// The event recorder's writes over a KubeClient (events.k8s.io/v1).
import KubeClient

/// Creates Events and patches their series through a `KubeClient`.
/// RBAC: `create`, `patch` on `events.events.k8s.io`.
public struct KubeEventSink: EventSink {
    private let client: KubeClient

    /// Writes through `client`.
    public init(client: KubeClient) {
        self.client = client
    }

    /// POSTs the event into its namespace.
    public func create(_ event: EventsV1Event) async throws {
        _ = try await client.create(event)
    }

    /// Sends a merge patch `{"series": …}` to the event.
    public func updateSeries(name: String, namespace: String, series: EventSeries) async throws {
        let patch: JSONValue = try ["series": JSONValue(encoding: series)]
        _ = try await client.patch(EventsV1Event.self, name: name, namespace: namespace, patch: .merge(patch))
    }
}
