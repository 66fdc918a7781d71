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

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let nio: [Target.Dependency] = ["NIOCore", "NIOPosix", "NIOHTTP1"].map { .product(name: $0, package: "swift-nio") }

let package = Package(
    name: "overlay-ip-controller-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "overlay-ip-controller", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
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
        ], extra: [log]),
        benchmark("NetBoxBenchmark", uses: [
            "Operator", "OverlayAPI", "KubeClient", "KubeEmulator", "IPAMCore", "IPAMNetBox", "IPAMBackends", "NetBoxEmulator",
        ], extra: [log]),
        benchmark("FootprintBenchmark", uses: ["Agent", "KubeClient", "KubeEmulator", "OverlayAPI", "IPAddressing"], extra: [log]),
        benchmark("AgentBenchmark", uses: ["Agent", "KubeClient", "IPAddressing"], extra: [log]),
    ]
)
