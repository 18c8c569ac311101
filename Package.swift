// swift-tools-version:6.1
import PackageDescription

// Targets follow the data: CPCRE2 (C) → PatternEngine (the one Swift file that
// touches PCRE2) → CrmlintCore (types; with CByteScan, C, for sixteen bytes
// classified at once) → readers / rules / reporters (each on core only) →
// CrmlintEngine (config, scan) → crmlint (argument parsing only).
// No unsafe flags, so CrmlintEngine can be a dependency of another package:
// exclusive access is kept cheap by construction in the byte loops (state in
// locals, unsafe buffers, final classes) instead of by turning the checks off.

let package = Package(
    name: "crmlint",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "crmlint", targets: ["crmlint"]),
        .library(name: "CrmlintEngine", targets: ["CrmlintEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        // Reads .xlsx workbooks (zip); exact: the package mirror serves this version only.
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(name: "PatternEngine", dependencies: ["CPCRE2"]),
        // The git commit for `crmlint version --verbose`, set by scripts/package (-Xcc -D…).
        .target(name: "CBuildInfo"),
        // Sixteen bytes classified at once for UTF-8 validation and the readers (SSE2's `pmovmskb`, which Swift's SIMD types lack).
        .target(name: "CByteScan"),
        .target(name: "CrmlintCore", dependencies: ["PatternEngine", "CByteScan"]),
        .target(name: "CrmlintReaders", dependencies: ["CrmlintCore", "CByteScan", "ZIPFoundation"]),
        .target(name: "CrmlintRules", dependencies: ["CrmlintCore", "PatternEngine", "Yams"]),
        .target(name: "CrmlintReporters", dependencies: ["CrmlintCore"]),
        .target(name: "CrmlintDashboard", dependencies: ["CrmlintCore", "CrmlintReporters"]),
        .target(
            name: "CrmlintEngine",
            dependencies: ["CrmlintCore", "CrmlintReaders", "CrmlintRules", "CrmlintReporters", "CBuildInfo", "PatternEngine", "Yams"]
        ),
        .executableTarget(
            name: "crmlint",
            dependencies: ["CrmlintEngine", "CrmlintDashboard", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Shared test helpers (JSON Schema validator, paths, running the CLI).
        .target(name: "TestHelpers", dependencies: ["CrmlintCore"], path: "Tests/TestHelpers"),
        .testTarget(name: "PatternEngineTests", dependencies: ["PatternEngine"]),
        .testTarget(name: "CrmlintCoreTests", dependencies: ["CrmlintCore", "TestHelpers"]),
        // ZIPFoundation: the XLSX tests write hostile workbooks (zip bombs, broken XML) at test time.
        .testTarget(
            name: "CrmlintReadersTests",
            dependencies: ["CrmlintReaders", "TestHelpers", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "CrmlintRulesTests", dependencies: ["CrmlintRules", "TestHelpers"]),
        .testTarget(name: "CrmlintReportersTests", dependencies: ["CrmlintReporters", "TestHelpers"]),
        .testTarget(
            name: "CrmlintEngineTests",
            dependencies: ["CrmlintEngine", "CrmlintCore", "CrmlintReporters", "CrmlintRules", "crmlint", "TestHelpers", "Yams"]),
        .testTarget(name: "CrmlintDashboardTests", dependencies: ["CrmlintDashboard", "crmlint", "TestHelpers"]),
    ],
    swiftLanguageModes: [.v5]
)
