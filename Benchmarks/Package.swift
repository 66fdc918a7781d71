// swift-tools-version:6.1
// Performance measurements of overlay-ip-controller, kept out of the test suite: `make benchmarks`.
import PackageDescription

/// One benchmark executable in `Sources/<name>`, using these products of the main package plus `extra`.
func benchmark(_ name: String, uses products: [String], extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: products.map { .product(name: $0, package: "overlay-ip-controller") } + extra,
        swiftSettings: [.enableUpcomingFeature("ExistentialAny")])
}

/// What the benchmarks share (Sources/BenchmarkSupport): CRDs applied by kubectl, the agent benchmarks' namespace.
let support = Target.Dependency.target(name: "BenchmarkSupport")
let childProcess = Target.Dependency.product(name: "ChildProcessSupport", package: "overlay-ip-controller")

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let nio: [Target.Dependency] = ["NIOCore", "NIOPosix", "NIOHTTP1"].map { .product(name: $0, package: "swift-nio") }
let subprocess = Target.Dependency.product(name: "Subprocess", package: "swift-subprocess")
let system = Target.Dependency.product(name: "SystemPackage", package: "swift-system")

let package = Package(
    name: "overlay-ip-controller-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "overlay-ip-controller", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        benchmark("LocalIPAMBenchmark", uses: ["IPAMCore", "IPAddressing", "IPAMLocalSQLite", "IPAMBackends"], extra: [log]),
        benchmark("KubeClientBenchmark", uses: ["KubeClient", "KubeEmulator"], extra: [log]),
        benchmark("KubeRuntimeBenchmark", uses: ["KubeRuntime", "KubeClient"]),
        benchmark("PhpIPAMBenchmark", uses: ["IPAMCore", "IPAMphpIPAM", "IPAMBackends", "PhpIPAMEmulator"], extra: [log]),
        benchmark("HTTPBenchmark", uses: ["HTTP"], extra: nio),
        benchmark("OperatorBenchmark", uses: [
            "Operator", "OverlayAPI", "KubeClient", "KubeRuntime", "KubeEmulator", "IPAMCore", "IPAMphpIPAM", "IPAMBackends",
            "PhpIPAMEmulator", "HTTP",
        ], extra: [log, support, childProcess]),
        benchmark("NetBoxBenchmark", uses: [
            "Operator", "OverlayAPI", "KubeClient", "KubeEmulator", "IPAMCore", "IPAMNetBox", "IPAMBackends", "NetBoxEmulator",
        ], extra: [log, support]),
        benchmark("FootprintBenchmark", uses: ["Agent", "KubeClient", "KubeEmulator", "OverlayAPI", "IPAddressing"], extra: [log, support, childProcess]),
        benchmark("AgentBenchmark", uses: ["Agent", "KubeClient", "KubeEmulator", "IPAddressing"], extra: [log, support, subprocess, system]),
        .target(
            name: "BenchmarkSupport",
            dependencies: [childProcess, log] + ["Agent", "IPAddressing"].map { .product(name: $0, package: "overlay-ip-controller") },
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ]
)

// Micro-benchmarks on package-benchmark (statistics, allocations, checked-in thresholds in Thresholds/):
// `make benchmarks` runs `swift package benchmark thresholds check`. Sources in Benchmarks/MicroBenchmarks.
package.targets.append(
    .executableTarget(
        name: "MicroBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"), log,
        ] + ["Agent", "IPAddressing", "IPAMBackends", "IPAMCore", "IPAMLocalSQLite", "KubeClient", "Operator", "OverlayAPI"]
            .map { .product(name: $0, package: "overlay-ip-controller") },
        path: "Benchmarks/MicroBenchmarks",
        swiftSettings: [.enableUpcomingFeature("ExistentialAny")],
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]))
