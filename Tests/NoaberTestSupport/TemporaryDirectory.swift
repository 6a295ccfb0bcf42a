package import Foundation

/// A new, empty directory named `prefix-<uuid>` under `parent`; the caller removes it.
///
/// `shortName` keeps only 8 characters of the UUID, for folders that hold a Unix socket: its path
/// must fit in the 108 bytes of `sockaddr_un`.
package func makeTemporaryDirectory(
    _ prefix: String, under parent: URL = FileManager.default.temporaryDirectory, shortName: Bool = false
) throws -> URL {
    let unique = shortName ? String(UUID().uuidString.prefix(8)) : UUID().uuidString
    let directory = parent.appendingPathComponent("\(prefix)-\(unique)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    return directory
}

/// A new, empty directory under the system's temporary folder, removed when `body` returns.
package func withTemporaryDirectory<R>(_ prefix: String = "noaber-test", _ body: (URL) throws -> R) throws -> R {
    let directory = try makeTemporaryDirectory(prefix)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}
