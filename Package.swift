// swift-tools-version:6.1
// overlay-ip-controller: overlay IPs and static routes for Kubernetes nodes, with a pluggable IPAM.
import PackageDescription

/// Settings every target of ours shares: Swift 6 language mode (strict concurrency) is the default
/// for tools version 6; `ExistentialAny` keeps existential types visible at the use site.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let nio = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioHTTP = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let nioSSL = Target.Dependency.product(name: "NIOSSL", package: "swift-nio-ssl")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let subprocess = Target.Dependency.product(name: "Subprocess", package: "swift-subprocess")
let system = Target.Dependency.product(name: "SystemPackage", package: "swift-system")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let coreMetrics = Target.Dependency.product(name: "CoreMetrics", package: "swift-metrics")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")

let package = Package(
    name: "overlay-ip-controller",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "overlay-ip-controller", targets: ["OverlayIPController"]),
        .executable(name: "overlay-network-agent", targets: ["OverlayNetworkAgent"]),
        .executable(name: "overlay-ipam", targets: ["OverlayIPAMTool"]),
        .executable(name: "overlay-lab", targets: ["OverlayLab"]),
        .executable(name: "kube-emulator", targets: ["KubeEmulatorTool"]),
        .executable(name: "phpipam-emulator", targets: ["PhpIPAMEmulatorTool"]),
        .executable(name: "netbox-emulator", targets: ["NetBoxEmulatorTool"]),
        .library(name: "IPAddressing", targets: ["IPAddressing"]),
        .library(name: "IPAMCore", targets: ["IPAMCore"]),
        .library(name: "IPAMConformance", targets: ["IPAMConformance"]),
        .library(name: "IPAMBackends", targets: ["IPAMBackends"]),
        .library(name: "IPAMLocalSQLite", targets: ["IPAMLocalSQLite"]),
        .library(name: "IPAMphpIPAM", targets: ["IPAMphpIPAM"]),
        .library(name: "IPAMNetBox", targets: ["IPAMNetBox"]),
        .library(name: "HTTP", targets: ["HTTP"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "KubeRuntime", targets: ["KubeRuntime"]),
        .library(name: "KubeEmulator", targets: ["KubeEmulator"]),
        .library(name: "PhpIPAMEmulator", targets: ["PhpIPAMEmulator"]),
        .library(name: "NetBoxEmulator", targets: ["NetBoxEmulator"]),
        // The one handle on a running child process (swift-subprocess), for the tests and Benchmarks/.
        .library(name: "ChildProcessSupport", targets: ["ChildProcessSupport"]),
        // The agent's core (and, through it, Netlink and OverlayAPI) for Benchmarks/AgentBenchmark and the lab.
        .library(name: "Agent", targets: ["Agent"]),
        .library(name: "Operator", targets: ["Operator"]),
        .library(name: "OverlayAPI", targets: ["OverlayAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // Already a dependency of swift-nio; used for Deque/Heap in the work queue.
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        // Only the in-process test servers (emulators) use it, to serve TLS to the libcurl client.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Child processes for the lab, the tests and the emulator's certificate generator (never the shipped binaries);
        // without its Foundation trait, which none of them needs.
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2", traits: []),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // Metrics are recorded through swift-metrics everywhere and exported by the ops server with swift-prometheus.
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: - System libraries
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // The system libyaml: read by the YAML module, so that shipped binaries read YAML without Yams (which links Foundation).
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        // Kernel UAPI headers only (linux-libc-dev): Netlink encodes rtnetlink itself (see Sources/Netlink/Netlink.swift).
        .systemLibrary(name: "CNetlink", path: "Sources/CNetlink", providers: [.apt(["linux-libc-dev"])]),
        // glibc's malloc.h (mallopt, malloc_trim): the agent limits its malloc arenas and hands back free pages.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),

        // What the shipped modules used from full Foundation beyond FoundationEssentials (trimming, file error texts).
        .target(name: "FoundationExtras", swiftSettings: strict),

        // MARK: - YAML (node tree and Decodable over libyaml; no Foundation)
        .target(name: "YAML", dependencies: ["CYAML"], swiftSettings: strict),

        // The system SQLite: the local backend's storage, through the small SQLite module (GRDB links Foundation).
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // WAL connections, IMMEDIATE transactions and prepared statements with bindings over CSQLite; no Foundation.
        .target(name: "SQLite", dependencies: ["CSQLite"], swiftSettings: strict),

        // MARK: - IPAM
        // Addresses, prefixes and ranges: no I/O, no Foundation; used by the IPAM modules, Netlink and the agent.
        .target(name: "IPAddressing", swiftSettings: strict),
        .target(name: "IPAMCore", dependencies: ["IPAddressing", "FoundationExtras", "YAML", log, coreMetrics, metrics], swiftSettings: strict),
        .target(
            name: "IPAMLocalSQLite",
            dependencies: ["IPAMCore", "IPAddressing", "SQLite", log],
            swiftSettings: strict),
        .target(name: "IPAMphpIPAM", dependencies: ["IPAMCore", "IPAddressing", "HTTP", "FoundationExtras", log], swiftSettings: strict),
        .target(name: "IPAMNetBox", dependencies: ["IPAMCore", "IPAddressing", "HTTP", "FoundationExtras", log], swiftSettings: strict),
        .target(name: "IPAMBackends", dependencies: ["IPAMCore", "IPAMLocalSQLite", "IPAMphpIPAM", "IPAMNetBox", log], swiftSettings: strict),
        .target(name: "IPAMConformance", dependencies: ["IPAMCore", "IPAddressing"], swiftSettings: strict),
        .target(
            name: "OverlayIPAMCommands", dependencies: ["IPAMBackends", "IPAMCore", "IPAddressing", "KubeClient", "OverlayAPI", argumentParser, log],
            swiftSettings: strict),
        .executableTarget(name: "OverlayIPAMTool", dependencies: ["OverlayIPAMCommands"], swiftSettings: strict),

        // MARK: - HTTP and Kubernetes
        .target(name: "HTTP", dependencies: ["CCurl", log], swiftSettings: strict),
        .target(
            name: "KubeClient",
            dependencies: ["HTTP", "YAML", "FoundationExtras", log, coreMetrics, metrics], swiftSettings: strict),
        .target(
            name: "KubeRuntime",
            dependencies: [
                "KubeClient", log, serviceLifecycle, coreMetrics, metrics,
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict),
        .target(name: "OverlayAPI", dependencies: ["KubeClient"], swiftSettings: strict),
        .target(name: "OpsServer", dependencies: ["FoundationExtras", log, serviceLifecycle, coreMetrics, prometheus], swiftSettings: strict),

        // MARK: - Test servers (also used by the lab)
        .target(name: "KubeEmulator", dependencies: ["EmulatorSupport", nio, nioHTTP, nioSSL, log, subprocess], swiftSettings: strict),
        .executableTarget(name: "KubeEmulatorTool", dependencies: ["KubeEmulator", argumentParser, serviceLifecycle], swiftSettings: strict),
        // What the emulators share: the swift-nio listener and request loop, TLS, the IPAM emulators' JSON writer.
        .target(name: "EmulatorSupport", dependencies: [nio, nioPosix, nioHTTP, nioSSL, log], swiftSettings: strict),
        .target(name: "PhpIPAMEmulator", dependencies: ["EmulatorSupport", log], swiftSettings: strict),
        .executableTarget(name: "PhpIPAMEmulatorTool", dependencies: ["PhpIPAMEmulator", argumentParser], swiftSettings: strict),
        .target(name: "NetBoxEmulator", dependencies: ["EmulatorSupport", log], swiftSettings: strict),
        .executableTarget(name: "NetBoxEmulatorTool", dependencies: ["NetBoxEmulator", argumentParser], swiftSettings: strict),

        // MARK: - Netlink
        .target(name: "Netlink", dependencies: ["CNetlink", "IPAddressing", "FoundationExtras", log], swiftSettings: strict),

        // MARK: - Operator and agent
        .target(
            name: "Operator",
            dependencies: [
                "KubeRuntime", "OverlayAPI", "IPAMCore", "IPAddressing", "OpsServer", "FoundationExtras", log, serviceLifecycle, coreMetrics,
                prometheus,
            ],
            swiftSettings: strict),
        // The executable opens the configured IPAM backend and hands the Operator library `any IPAMBackend`.
        .executableTarget(
            name: "OverlayIPController",
            dependencies: ["Operator", "IPAMBackends", "IPAMCore", "KubeClient", "KubeRuntime", "OpsServer", "FoundationExtras", log, argumentParser],
            swiftSettings: strict),
        .target(
            name: "Agent",
            dependencies: ["KubeRuntime", "OverlayAPI", "Netlink", "IPAddressing", "OpsServer", log, serviceLifecycle, coreMetrics, metrics],
            swiftSettings: strict),
        .executableTarget(
            name: "OverlayNetworkAgent",
            dependencies: [
                "Agent", "CMalloc", "IPAddressing", "KubeClient", "Netlink", "OpsServer", "FoundationExtras", log, serviceLifecycle, argumentParser,
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "OverlayLab",
            dependencies: [
                "KubeEmulator", "PhpIPAMEmulator", "NetBoxEmulator", "KubeClient", "OverlayAPI", "Netlink", "IPAddressing", argumentParser, log,
                subprocess, system,
                .product(name: "Yams", package: "Yams"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strict),

        // MARK: - Tests
        // A running child process to signal, feed and read (never in the shipped binaries).
        .target(name: "ChildProcessSupport", dependencies: [subprocess, system], swiftSettings: strict),
        .target(
            name: "TestSupport", dependencies: ["ChildProcessSupport", log, nio, nioPosix, nioHTTP, nioSSL], path: "Tests/TestSupport",
            swiftSettings: strict),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"], swiftSettings: strict),
        .testTarget(name: "IPAddressingTests", dependencies: ["IPAddressing"], swiftSettings: strict),
        .testTarget(name: "IPAMCoreTests", dependencies: ["IPAMCore", "IPAddressing", "IPAMConformance", prometheus], swiftSettings: strict),
        .testTarget(
            name: "IPAMBackendsTests", dependencies: ["IPAMBackends", "IPAMCore", "IPAddressing", "IPAMLocalSQLite", "IPAMphpIPAM"],
            swiftSettings: strict),
        .testTarget(
            name: "IPAMLocalSQLiteTests",
            dependencies: ["IPAMLocalSQLite", "IPAMCore", "IPAddressing", "IPAMConformance", "TestSupport", log, .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "IPAMphpIPAMTests",
            dependencies: ["IPAMphpIPAM", "IPAMCore", "IPAddressing", "PhpIPAMEmulator", "IPAMConformance", "TestSupport", "HTTP"],
            swiftSettings: strict),
        .testTarget(
            name: "IPAMNetBoxTests",
            dependencies: ["IPAMNetBox", "IPAMCore", "IPAddressing", "IPAMConformance", "NetBoxEmulator", "TestSupport", "HTTP", log],
            swiftSettings: strict),
        .testTarget(
            name: "OverlayIPAMCommandsTests",
            dependencies: ["OverlayIPAMCommands", "IPAMCore", "IPAddressing", "NetBoxEmulator", "ChildProcessSupport", "TestSupport", log],
            swiftSettings: strict),
        .testTarget(name: "OverlayAPITests", dependencies: ["OverlayAPI"], swiftSettings: strict),
        .testTarget(name: "OpsServerTests", dependencies: ["OpsServer", "HTTP", coreMetrics, prometheus], swiftSettings: strict),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport", nio, nioPosix, nioHTTP], swiftSettings: strict),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeEmulator", "TestSupport", prometheus], swiftSettings: strict),
        .testTarget(name: "KubeRuntimeTests", dependencies: ["KubeRuntime", "KubeEmulator", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "KubeEmulatorTests", dependencies: ["KubeEmulator", "ChildProcessSupport", "TestSupport", nio, nioPosix, nioHTTP, nioSSL],
            swiftSettings: strict),
        .testTarget(name: "NetBoxEmulatorTests", dependencies: ["NetBoxEmulator", "TestSupport", "HTTP"], swiftSettings: strict),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "IPAddressing", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "OperatorTests",
            dependencies: [
                "Operator", "IPAMCore", "IPAddressing", "IPAMBackends", "IPAMphpIPAM", "KubeEmulator", "PhpIPAMEmulator", "NetBoxEmulator",
                "IPAMConformance", "ChildProcessSupport", "TestSupport", "OpsServer", prometheus,
            ],
            swiftSettings: strict),
        .testTarget(
            name: "AgentTests",
            dependencies: ["Agent", "IPAddressing", "KubeEmulator", "Netlink", "TestSupport", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
    ]
)
