// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets for crmlint's readers and rule loader. Not part of the
// main package: each executable hands its main to libFuzzer, so it only links
// with `-sanitize=fuzzer`. Build and run with `scripts/fuzz TARGET SECONDS`.
let engine: Target.Dependency = .product(name: "CrmlintEngine", package: "crmlint")

let package = Package(
    name: "crmlint-fuzz",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "crmlint", path: ".."),
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver", engine]),
        .executableTarget(name: "FuzzCSV", dependencies: ["FuzzSupport", engine]),
        .executableTarget(name: "FuzzJSONLines", dependencies: ["FuzzSupport", engine]),
        .executableTarget(name: "FuzzJSONArray", dependencies: ["FuzzSupport", engine]),
        .executableTarget(name: "FuzzRules", dependencies: ["FuzzSupport", engine]),
        .executableTarget(name: "FuzzXLSX", dependencies: ["FuzzSupport", engine, .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
    ],
    swiftLanguageModes: [.v5]
)
