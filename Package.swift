// swift-tools-version:6.1
import PackageDescription

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        // glibc's malloc tuning (mallopt), for the daemon's arena limit.
        .systemLibrary(name: "CMalloc"),

        // SHA-256, Ed25519, key files and secure random over libcrypto.
        .target(name: "NoaberCrypto", dependencies: ["COpenSSL"]),
        // RFC 6962 Merkle trees, proofs and C2SP signed notes; knows nothing of the ledger's rules.
        .target(name: "NoaberTransparency", dependencies: ["NoaberCrypto"]),
        // Values and rules, no I/O.
        .target(name: "NoaberCore", dependencies: ["NoaberCrypto", "NoaberTransparency"]),
        .target(name: "NoaberStore", dependencies: ["NoaberCore", "NoaberCrypto", "NoaberTransparency", "CSQLite"]),
        // The JSON-RPC vocabulary shared by daemon and clients; no sockets.
        .target(name: "NoaberProtocol", dependencies: ["NoaberCore", "NoaberCrypto"]),
        // Line framing and the JSON-RPC connection over NIO.
        .target(
            name: "NoaberTransport",
            dependencies: [
                "NoaberProtocol",
                "NoaberCore",
                "NoaberCrypto",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // Audit tools that need no daemon: exports in jsonl/csv/hledger/beancount, reports and
        // offline verification.
        .target(
            name: "NoaberAudit", dependencies: ["NoaberCore", "NoaberCrypto", "NoaberTransparency", "NoaberProtocol"]),
        // The client side shared by the CLI and the benchmark: the trusted session, pages of
        // entries, credits and the import file; no command-line parsing.
        .target(
            name: "NoaberClient",
            dependencies: ["NoaberAudit", "NoaberCore", "NoaberCrypto", "NoaberProtocol", "NoaberTransport"]
        ),
        .target(
            name: "NoaberServer",
            dependencies: [
                "NoaberCore",
                "NoaberCrypto",
                "NoaberTransparency",
                "NoaberStore",
                "NoaberProtocol",
                "NoaberTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "noaberd",
            dependencies: [
                .target(name: "CMalloc", condition: .when(platforms: [.linux])),
                "NoaberAudit",
                "NoaberCore",
                "NoaberServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "noaber",
            dependencies: [
                "NoaberAudit",
                "NoaberClient",
                "NoaberCore",
                "NoaberCrypto",
                "NoaberTransparency",
                "NoaberProtocol",
                "NoaberTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Replays ../shared/bench's workload through a running daemon and prints figures (Benchmarks/run.sh).
        .executableTarget(
            name: "noaber-bench",
            dependencies: [
                "NoaberAudit",
                "NoaberClient",
                "NoaberCore",
                "NoaberCrypto",
                "NoaberTransparency",
                "NoaberProtocol",
                "NoaberTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/noaber-bench"
        ),

        // The properties each decoder of outside bytes must keep (round trips, refusals), as plain
        // functions: the fuzzer (Fuzz/, scripts/fuzz.sh) runs them on generated inputs and the unit
        // tests on the inputs it once failed on (Tests/Fixtures/fuzz).
        .target(
            name: "NoaberFuzzChecks",
            dependencies: [
                "NoaberAudit", "NoaberClient", "NoaberCore", "NoaberCrypto", "NoaberProtocol", "NoaberServer",
                "NoaberTransparency", "NoaberTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),

        // Helpers every test target shares: the vectors in ../shared/vectors, child processes whose
        // output is read without deadlock, temporary directories, openssl, a seeded generator.
        // Only test targets depend on it.
        .target(name: "NoaberTestSupport", path: "Tests/NoaberTestSupport"),
        .testTarget(name: "NoaberTestSupportTests", dependencies: ["NoaberTestSupport"]),

        .testTarget(name: "NoaberCryptoTests", dependencies: ["NoaberCrypto", "NoaberTestSupport"]),
        .testTarget(
            name: "NoaberTransparencyTests", dependencies: ["NoaberTransparency", "NoaberCrypto", "NoaberTestSupport"]),
        .testTarget(
            name: "NoaberCoreTests",
            dependencies: ["NoaberCore", "NoaberCrypto", "NoaberTransparency", "NoaberTestSupport"]),
        .testTarget(
            name: "NoaberStoreTests",
            dependencies: ["NoaberStore", "NoaberCore", "NoaberCrypto", "NoaberTransparency", "NoaberTestSupport"]
        ),
        .testTarget(name: "NoaberProtocolTests", dependencies: ["NoaberProtocol", "NoaberCore", "NoaberCrypto"]),
        .testTarget(
            name: "NoaberTransportTests",
            dependencies: [
                "NoaberTransport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "NoaberAuditTests",
            dependencies: [
                "NoaberAudit", "NoaberProtocol", "NoaberCore", "NoaberCrypto", "NoaberTransparency",
                "NoaberTestSupport",
            ]
        ),
        .testTarget(
            name: "NoaberClientTests",
            dependencies: ["NoaberClient", "NoaberAudit", "NoaberCore", "NoaberCrypto", "NoaberTransport"]),
        .testTarget(
            name: "NoaberServerTests",
            dependencies: [
                "NoaberServer", "NoaberProtocol", "NoaberStore", "NoaberCore", "NoaberCrypto", "NoaberTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "NoaberFuzzChecksTests", dependencies: ["NoaberFuzzChecks"]),
        // Drives the real binaries; depending on them makes `swift test` build them first.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "noaberd", "noaber", "NoaberProtocol", "NoaberTransport", "NoaberCore", "NoaberCrypto",
                "NoaberTransparency", "NoaberStore", "NoaberTestSupport",
            ]
        ),
    ]
)

// The one libFuzzer executable that holds every fuzz target (NOABER_FUZZ_TARGET picks one), only
// when scripts/fuzz.sh asks for it: a normal build neither compiles it nor links libFuzzer.
if getenv("NOABER_FUZZ") != nil {
    package.targets.append(
        .executableTarget(
            name: "noaber-fuzz",
            dependencies: ["NoaberFuzzChecks"],
            path: "Fuzz",
            exclude: ["Corpus", "lsan.supp"],
            // libFuzzer brings its own main; the targets are C entry points (@_cdecl).
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ))
    package.products.append(.executable(name: "noaber-fuzz", targets: ["noaber-fuzz"]))
}

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
