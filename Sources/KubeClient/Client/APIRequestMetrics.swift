// client-go's request metrics (rest_client_requests_total, rest_client_request_duration_seconds) through swift-metrics.
import Metrics

/// Records every API request of one client: count by verb, resource and status code, and latency.
///
/// The names are client-go's, so dashboards and alerts written for Go operators work unchanged; the
/// labels are `verb` and `resource` (client-go has `method` and `host`) plus `code` on the count, so a
/// dashboard can tell a flood of Node lists from a flood of status patches.
struct APIRequestMetrics: Sendable {
    let factory: any MetricsFactory

    /// Records one exchange that got an answer (`code` is its HTTP status) or failed without one (`nil`:
    /// client-go's `<error>`), and how long it took up to the response head.
    func record(_ request: KubeRequest, code: Int?, duration: Duration) {
        let labels = APIRequestLabels(request)
        Counter(
            label: "rest_client_requests_total",
            dimensions: [("verb", labels.verb), ("resource", labels.resource), ("code", code.map(String.init) ?? "<error>")],
            factory: factory
        ).increment()
        Timer(
            label: "rest_client_request_duration_seconds",
            dimensions: [("verb", labels.verb), ("resource", labels.resource)], factory: factory
        ).record(duration: duration)
    }
}

/// The Kubernetes verb and resource of a request, read from its method and path.
struct APIRequestLabels: Equatable {
    /// `get`, `list`, `watch`, `create`, `update`, `patch`, `delete` or `deletecollection`.
    var verb: String
    /// The resource plural with its subresource, e.g. `nodes`, `nodeoverlayips/status`; `other` for
    /// paths outside `/api` and `/apis` (discovery, `/version`).
    var resource: String

    init(_ request: KubeRequest) {
        let path = request.path.split(separator: "?", maxSplits: 1).first ?? ""
        var segments = path.split(separator: "/").map(String.init)
        // `/api/v1/…` or `/apis/GROUP/VERSION/…`.
        switch segments.first {
        case "api": segments.removeFirst(min(2, segments.count))
        case "apis": segments.removeFirst(min(3, segments.count))
        default: segments = []
        }
        // `namespaces/NS/RESOURCE…` is a namespaced resource; `namespaces` or `namespaces/NS` is the namespace itself.
        if segments.count > 2, segments[0] == "namespaces" { segments.removeFirst(2) }
        let named = segments.count >= 2
        resource = segments.first.map { segments.count > 2 ? "\($0)/\(segments[2])" : $0 } ?? "other"
        verb = switch request.method {
        case .get: request.isWatch ? "watch" : (named ? "get" : "list")
        case .post: "create"
        case .put: "update"
        case .patch: "patch"
        case .delete: named ? "delete" : "deletecollection"
        }
    }
}
