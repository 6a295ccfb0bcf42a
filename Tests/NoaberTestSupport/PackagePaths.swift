package import Foundation
package import Testing

/// Where the package and the test data beside it are, found from this file's own path at build time.
package enum PackagePaths {
    /// The package root: this file is `Tests/NoaberTestSupport/PackagePaths.swift` below it.
    package static let root: URL = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent()  // NoaberTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
}

/// The shared test vectors (FIPS 180-2, RFC 8032, Wycheproof, transparency-dev/merkle), read in place
/// from `../shared/vectors` beside the package root. Suites that need them are skipped, with
/// `skipMessage`, where the folder is absent.
package enum SharedVectors {
    package static let directory: URL = PackagePaths.root
        .appendingPathComponent("../shared/vectors")
        .standardizedFileURL

    package static var available: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory)
            && isDirectory.boolValue
    }

    package static let skipMessage: Comment = "test vectors folder ../shared/vectors is absent; skipping vector tests"

    /// Decodes the vector file `name`; the files written in Python's style want `.convertFromSnakeCase`.
    package static func load<T: Decodable>(
        _ type: T.Type, from name: String, keys: JSONDecoder.KeyDecodingStrategy = .useDefaultKeys
    ) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = keys
        return try decoder.decode(type, from: data)
    }
}
