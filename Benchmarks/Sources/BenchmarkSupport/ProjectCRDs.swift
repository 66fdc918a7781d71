// What the benchmarks that run an API server share: the repository's place, its CRDs applied with kubectl, their error.
import ChildProcessSupport
import Foundation

/// A benchmark failed to set up or finish; `description` says what.
public struct BenchmarkError: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

/// The repository root (this file is `Benchmarks/Sources/BenchmarkSupport/ProjectCRDs.swift`).
public let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// Applies the project's CRDs (`deploy/crds`) to the API server `kubeconfig` names, with `/usr/bin/kubectl`.
/// - Throws: ``BenchmarkError`` with kubectl's output when it fails.
public func applyProjectCRDs(kubeconfig: String) async throws {
    for crd in ["nodeoverlayips.iks.ibm.com.yaml", "staticroutes.iks.ibm.com.yaml"] {
        let (status, output) = try await ChildProcess.run(
            "/usr/bin/kubectl", arguments: ["--kubeconfig", kubeconfig, "apply", "-f", repositoryRoot + "/deploy/crds/" + crd])
        guard status == 0 else { throw BenchmarkError(description: "kubectl apply \(crd) failed (\(status)): \(output)") }
    }
}
