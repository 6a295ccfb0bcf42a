import Foundation
import NoaberCrypto
import NoaberTestSupport
import Testing

@testable import NoaberServer

/// `log.key.signed` is rewritten in place after its first write; every read must still give the
/// last head written, whatever came before it in the file.
@Suite("The log key's signed head")
struct SignedHeadFileTests {
    static func head(_ size: UInt64, _ byte: UInt8) -> SignedHeadFile.Head {
        SignedHeadFile.Head(size: size, root: SHA256.hash([byte]))
    }

    @Test("each write replaces the last, in place and when the line gets longer or shorter")
    func rewrites() throws {
        let directory = try makeTemporaryDirectory("noaber-head")
        let file = SignedHeadFile(logKeyPath: directory.appendingPathComponent("log.key").path)
        #expect(try file.read() == nil)
        for head in [Self.head(9, 1), Self.head(10, 2), Self.head(123_456, 3), Self.head(7, 4)] {
            try file.write(head)
            #expect(try file.read() == head)
        }
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["log.key.signed"])
    }

    @Test("a file removed or replaced while the daemon runs is written anew at its path")
    func replaced() throws {
        let directory = try makeTemporaryDirectory("noaber-head")
        let file = SignedHeadFile(logKeyPath: directory.appendingPathComponent("log.key").path)
        try file.write(Self.head(5, 1))
        try FileManager.default.removeItem(atPath: file.path)
        try file.write(Self.head(6, 2))
        #expect(try file.read() == Self.head(6, 2))
        let other = directory.appendingPathComponent("other").path
        try Data("1 x\n".utf8).write(to: URL(fileURLWithPath: other))
        #expect(rename(other, file.path) == 0)
        try file.write(Self.head(7, 3))
        #expect(try file.read() == Self.head(7, 3))
    }
}
