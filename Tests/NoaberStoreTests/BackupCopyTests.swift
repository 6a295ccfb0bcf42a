import Foundation
import Glibc
import NoaberCore
import NoaberCrypto
import NoaberStore
import Testing

@Suite("Backup copies")
struct BackupCopyTests {
    /// The copy is the whole ledger as of one snapshot, private from its first byte, and says of
    /// itself that it is a backup; the live ledger does not.
    @Test func copyIsPrivateCompleteAndMarked() throws {
        let f = try StoreFixture()
        try f.populate()
        let path = f.directory.appendingPathComponent("copy.sqlite").path
        let logKey = try Ed25519PrivateKey.generate().publicKey.keyID
        let taken = Timestamp(millisecondsSinceEpoch: 1_795_430_360_000)
        // The test process's umask (022) would leave a file others can read; the copy's mode does not follow it.
        let copy = try f.database.copy(to: path, takenAt: taken, logKeyID: logKey)

        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        let (bytes, digest) = try Database.digest(path)
        #expect(copy.bytes == bytes && copy.sha256 == digest && Int64(info.st_size) == bytes)
        #expect(copy.entries == f.seq && copy.headHash == f.head)

        let restored = try LedgerStore(database: Database(path: path))
        #expect(
            try restored.connection.restoreGuard()
                == RestoreGuard(takenAt: taken, treeSize: UInt64(f.seq), logKeyID: logKey))
        #expect(try restored.connection.summary().entries == f.seq)
        try LedgerStore.verify(restored.connection)
        #expect(try f.store.connection.restoreGuard() == nil, "the live ledger is not marked")
    }

    /// A copy of a restored ledger still held for the same key stays held as it was; one held
    /// for another key is held for the key that made the new copy.
    @Test func copyOfARestoredLedgerKeepsItsGuard() throws {
        let f = try StoreFixture()
        try f.populate()
        let (old, new) = (
            try Ed25519PrivateKey.generate().publicKey.keyID, try Ed25519PrivateKey.generate().publicKey.keyID
        )
        let first = f.directory.appendingPathComponent("first.sqlite").path
        _ = try f.database.copy(to: first, takenAt: Timestamp(millisecondsSinceEpoch: 1000), logKeyID: old)
        let restored = try LedgerStore(database: Database(path: first))
        let published = PublishedHead(size: 30, root: SHA256.hash([7]))
        try restored.recordPublished(published)
        let same = f.directory.appendingPathComponent("same.sqlite").path
        _ = try restored.database.copy(to: same, takenAt: Timestamp(millisecondsSinceEpoch: 2000), logKeyID: old)
        #expect(
            try LedgerStore(database: Database(path: same)).connection.restoreGuard()
                == RestoreGuard(
                    takenAt: Timestamp(millisecondsSinceEpoch: 1000), treeSize: UInt64(f.seq), logKeyID: old,
                    published: published))
        let other = f.directory.appendingPathComponent("other.sqlite").path
        _ = try restored.database.copy(to: other, takenAt: Timestamp(millisecondsSinceEpoch: 3000), logKeyID: new)
        #expect(
            try LedgerStore(database: Database(path: other)).connection.restoreGuard()
                == RestoreGuard(
                    takenAt: Timestamp(millisecondsSinceEpoch: 3000), treeSize: UInt64(f.seq), logKeyID: new))
    }

    /// An existing file is never written through, and a failed copy leaves nothing behind.
    @Test func copyRefusesAnExistingFile() throws {
        let f = try StoreFixture()
        try f.populate()
        let path = f.directory.appendingPathComponent("taken.sqlite").path
        try Data("mine".utf8).write(to: URL(fileURLWithPath: path))
        let logKey = try Ed25519PrivateKey.generate().publicKey.keyID
        #expect(throws: StoreError.self) {
            try f.database.copy(to: path, takenAt: Timestamp(millisecondsSinceEpoch: 0), logKeyID: logKey)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "mine")
    }

    /// The published checkpoint is remembered in the copy, and lifting the guard clears it.
    @Test func guardRecordsThePublishedHeadAndLifts() throws {
        let f = try StoreFixture()
        try f.populate()
        let path = f.directory.appendingPathComponent("copy.sqlite").path
        let logKey = try Ed25519PrivateKey.generate().publicKey.keyID
        _ = try f.database.copy(to: path, takenAt: Timestamp(millisecondsSinceEpoch: 0), logKeyID: logKey)
        let restored = try LedgerStore(database: Database(path: path))
        let head = PublishedHead(size: 20, root: SHA256.hash([1, 2, 3]))
        try restored.recordPublished(head)
        #expect(try restored.connection.restoreGuard()?.published == head)
        try restored.liftRestoreGuard()
        #expect(try restored.connection.restoreGuard() == nil)
    }
}
