// A minimal OpenAPI v3 index and per-group-version documents: enough for kubectl to pick server-side field validation.

/// kubectl (v1.27+) reads `/openapi/v3` and the group-version document of the object it applies, and uses
/// server-side field validation when the PATCH operation for that kind lists the `fieldValidation` query
/// parameter (`k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go`). Without these documents,
/// `kubectl apply`/`create` fail with "failed to download openapi". Strategic-merge patch metadata is not
/// advertised, so kubectl computes client-side apply patches from its built-in types (or merge patches for CRs).
enum OpenAPI {
    static func groupVersionPath(group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    static func index(_ resources: [ResourceType]) -> JSON {
        var paths: [String: JSON] = [:]
        for resource in resources {
            for version in resource.versions {
                let path = groupVersionPath(group: resource.group, version: version)
                paths[path] = .object(["serverRelativeURL": .string("/openapi/v3/\(path)?hash=emulator")])
            }
        }
        return .object(["paths": .object(paths)])
    }

    static func document(_ resources: [ResourceType], group: String, version: String) -> JSON? {
        let served = resources.filter { $0.group == group && $0.versions.contains(version) }
        guard !served.isEmpty else { return nil }
        var paths: [String: JSON] = [:]
        let prefix = "/" + groupVersionPath(group: group, version: version)
        let queryParameters = ["dryRun", "fieldManager", "fieldValidation", "force"].map { name in
            JSON.object(["name": .string(name), "in": "query", "schema": .object(["type": "string"])])
        }
        for resource in served {
            let scope = resource.namespaced ? "/namespaces/{namespace}" : ""
            let gvk = JSON.object(["group": .string(resource.group), "version": .string(version), "kind": .string(resource.kind)])
            let patch = JSON.object([
                "x-kubernetes-group-version-kind": gvk,
                "x-kubernetes-action": "patch",
                "parameters": .array(queryParameters),
                "requestBody": .object(["content": .object([
                    "application/json-patch+json": .object(["schema": .object(["type": "object"])]),
                    "application/merge-patch+json": .object(["schema": .object(["type": "object"])]),
                    "application/apply-patch+yaml": .object(["schema": .object(["type": "object"])]),
                ])]),
                "responses": .object(["200": .object(["description": "OK"])]),
            ])
            paths["\(prefix)\(scope)/\(resource.plural)/{name}"] = .object(["patch": patch])
        }
        return .object([
            "openapi": "3.0.0", "info": .object(["title": "Kubernetes", "version": "v1.32.0"]),
            "paths": .object(paths), "components": .object(["schemas": .object([:])]),
        ])
    }
}
