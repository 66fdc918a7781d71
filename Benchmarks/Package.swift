// swift-tools-version:6.1
// Performance measurements of overlay-ip-controller, kept out of the test suite: `swift run -c release`.
import PackageDescription

let package = Package(
    name: "overlay-ip-controller-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "overlay-ip-controller", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "LocalIPAMBenchmark",
            dependencies: [
                .product(name: "IPAMCore", package: "overlay-ip-controller"),
                .product(name: "IPAMBackends", package: "overlay-ip-controller"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "KubeClientBenchmark",
            dependencies: [
                .product(name: "KubeClient", package: "overlay-ip-controller"),
                .product(name: "KubeEmulator", package: "overlay-ip-controller"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "KubeRuntimeBenchmark",
            dependencies: [
                .product(name: "KubeRuntime", package: "overlay-ip-controller"),
                .product(name: "KubeClient", package: "overlay-ip-controller"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "PhpIPAMBenchmark",
            dependencies: [
                .product(name: "IPAMCore", package: "overlay-ip-controller"),
                .product(name: "IPAMBackends", package: "overlay-ip-controller"),
                .product(name: "PhpIPAMEmulator", package: "overlay-ip-controller"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "HTTPBenchmark",
            dependencies: [
                .product(name: "HTTP", package: "overlay-ip-controller"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "OperatorBenchmark",
            dependencies: [
                .product(name: "Operator", package: "overlay-ip-controller"),
                .product(name: "OverlayAPI", package: "overlay-ip-controller"),
                .product(name: "KubeClient", package: "overlay-ip-controller"),
                .product(name: "KubeEmulator", package: "overlay-ip-controller"),
                .product(name: "IPAMCore", package: "overlay-ip-controller"),
                .product(name: "IPAMBackends", package: "overlay-ip-controller"),
                .product(name: "PhpIPAMEmulator", package: "overlay-ip-controller"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
        .executableTarget(
            name: "AgentBenchmark",
            dependencies: [
                .product(name: "Agent", package: "overlay-ip-controller"),
                .product(name: "KubeClient", package: "overlay-ip-controller"),
                .product(name: "IPAMCore", package: "overlay-ip-controller"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: [.enableUpcomingFeature("ExistentialAny")]),
    ]
)
