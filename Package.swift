// swift-tools-version:6.1
import PackageDescription

// Targets follow the data: CPCRE2 (C) → PatternEngine (the one Swift file that
// touches PCRE2) → CrmlintCore (types) → readers / rules / reporters (each on
// core only) → CrmlintEngine (config, scan) → crmlint (argument parsing only).
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
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(name: "PatternEngine", dependencies: ["CPCRE2"]),
        .target(name: "CrmlintCore", dependencies: ["PatternEngine"]),
        .target(name: "CrmlintReaders", dependencies: ["CrmlintCore"]),
        .target(name: "CrmlintRules", dependencies: ["CrmlintCore", "PatternEngine", "Yams"]),
        .target(name: "CrmlintReporters", dependencies: ["CrmlintCore"]),
        .target(
            name: "CrmlintEngine",
            dependencies: ["CrmlintCore", "CrmlintReaders", "CrmlintRules", "CrmlintReporters", "Yams"]
        ),
        .executableTarget(
            name: "crmlint",
            dependencies: ["CrmlintEngine", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Shared test helpers (JSON Schema validator, paths, running the CLI).
        .target(name: "TestHelpers", path: "Tests/TestHelpers"),
        .testTarget(name: "PatternEngineTests", dependencies: ["PatternEngine"]),
        .testTarget(name: "CrmlintCoreTests", dependencies: ["CrmlintCore"]),
        .testTarget(name: "CrmlintReadersTests", dependencies: ["CrmlintReaders"]),
        .testTarget(name: "CrmlintRulesTests", dependencies: ["CrmlintRules"]),
        .testTarget(name: "CrmlintReportersTests", dependencies: ["CrmlintReporters", "TestHelpers"]),
        .testTarget(name: "CrmlintEngineTests", dependencies: ["CrmlintEngine", "CrmlintCore", "CrmlintReporters", "crmlint", "TestHelpers", "Yams"]),
    ],
    swiftLanguageModes: [.v5]
)
