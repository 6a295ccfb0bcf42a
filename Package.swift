// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "noaber",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "noaberd", targets: ["noaberd"]),
        .executable(name: "noaber", targets: ["noaber"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // Thin C bindings: the two system libraries the product is about.
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),

        .target(name: "NoaberHashing", dependencies: ["COpenSSL"]),
        .target(name: "NoaberCore", dependencies: ["NoaberHashing"]),
        .target(name: "NoaberStore", dependencies: ["NoaberCore", "CSQLite"]),
        .target(
            name: "NoaberProtocol",
            dependencies: [
                "NoaberCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Audit tools that need no daemon: exports in jsonl/csv/hledger/beancount and offline verification.
        .target(name: "NoaberAudit", dependencies: ["NoaberCore", "NoaberHashing", "NoaberProtocol"]),
        .target(
            name: "NoaberServer",
            dependencies: [
                "NoaberCore",
                "NoaberStore",
                "NoaberProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "noaberd",
            dependencies: [
                "NoaberServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "noaber",
            dependencies: [
                "NoaberAudit",
                "NoaberCore",
                "NoaberHashing",
                "NoaberProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Replays ../shared/bench's workload through a running daemon and prints figures (Benchmarks/run.sh).
        .executableTarget(
            name: "noaber-bench",
            dependencies: [
                "NoaberAudit",
                "NoaberCore",
                "NoaberHashing",
                "NoaberProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/noaber-bench"
        ),

        .testTarget(name: "NoaberHashingTests", dependencies: ["NoaberHashing"]),
        .testTarget(name: "NoaberCoreTests", dependencies: ["NoaberCore", "NoaberHashing"]),
        .testTarget(name: "NoaberStoreTests", dependencies: ["NoaberStore", "NoaberCore", "NoaberHashing"]),
        .testTarget(
            name: "NoaberProtocolTests",
            dependencies: [
                "NoaberProtocol", "NoaberCore", "NoaberHashing",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "NoaberAuditTests", dependencies: ["NoaberAudit", "NoaberProtocol", "NoaberCore", "NoaberHashing"]),
        .testTarget(
            name: "NoaberServerTests",
            dependencies: ["NoaberServer", "NoaberProtocol", "NoaberStore", "NoaberCore", "NoaberHashing"]
        ),
        // Drives the real binaries; depending on them makes `swift test` build them first.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["noaberd", "noaber", "NoaberProtocol", "NoaberCore", "NoaberHashing", "NoaberStore"]
        ),
    ]
)

// Strict upcoming features for every target, as swift-log does.
for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    var settings = target.swiftSettings ?? []
    // SE-0335: existential types are spelled `any P`.
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // SE-0444: a file sees only the members of modules it imports itself.
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // SE-0409: imports are internal unless a public API needs them.
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
