import Glibc
import NoaberCore
import Synchronization

/// The access log's front door: each read's record appended to a plain file beside the log
/// (`access.pending`) by one `write`, on the thread that serves the read, and moved into
/// `access.sqlite` (`AccessLog`) in bulk later (`move(into:)`).
///
/// A `write` to the page cache survives a crash of the daemon, as a commit of the log's WAL at
/// `synchronous=NORMAL` does, and costs a system call where a transaction cost its locks, two WAL
/// pages and two thread hand-offs per group of reads (Benchmarks/README.md, "The read path").
/// Each record carries its row id, given here in the order of the writes, so that moving a file a
/// second time (after a crash between the move's commit and the file's removal) adds nothing.
package final class PendingAccessRecords: Sendable {
    package static let fileName = "access.pending"
    /// A file being moved into the log; one left behind by a crash is moved first at the next open.
    package static let movingName = "access.pending.moving"
    /// The file that takes over from one being set aside, until it is renamed to `fileName`.
    package static let nextName = "access.pending.next"

    private struct Open {
        var fd: Int32
        /// Bytes in the file: a failed write is cut off here, so the next record starts a line.
        var size: Int
        var nextID: Int64
        /// A failed write that could not be cut off either: the next record would join its part
        /// and be lost with it, so nothing is appended here until a move sets the file aside.
        var torn = false
    }

    private let file: Mutex<Open>
    private let path: String
    private let movingPath: String
    private let nextPath: String
    /// What the open moved into the log from a previous run: records, and lines that could not
    /// be read (a power loss can leave a torn last line; a crash of the daemon alone cannot).
    package let recovered: (moved: Int, unreadable: Int)

    /// Moves whatever a previous run left pending into `log`, then opens an empty file, its ids
    /// following the log's last.
    package init(directory: String, log: AccessLog) throws(StoreError) {
        path = Self.path(directory, Self.fileName)
        movingPath = Self.path(directory, Self.movingName)
        nextPath = Self.path(directory, Self.nextName)
        var moved = (moved: 0, unreadable: 0)
        // Oldest first: a crash in the middle of a move can leave all three.
        for leftover in [movingPath, path, nextPath] where access(leftover, F_OK) == 0 {
            if leftover != movingPath { try Self.rename(leftover, to: movingPath) }
            let found = try Self.moveFile(movingPath, into: log)
            moved = (moved.moved + found.moved, moved.unreadable + found.unreadable)
        }
        recovered = moved
        file = Mutex(Open(fd: try Self.create(path, exclusive: false), size: 0, nextID: try log.lastID() + 1))
    }

    deinit { file.withLock { _ = close($0.fd) } }

    /// Appends `record` by one `write` and returns the bytes now pending; throws if it is not
    /// wholly written, and then leaves the file as it was.
    @discardableResult
    package func append(_ record: AccessRecord) throws(StoreError) -> Int {
        try file.withLock { open throws(StoreError) -> Int in
            guard !open.torn else {
                throw .file(path: path, reason: "cannot append an access record: a failed write was not cut off")
            }
            let line = Self.line(open.nextID, record)
            let written = line.withUnsafeBufferPointer { write(open.fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
                // A part of a line would join the next record's; the file ends where it did.
                if ftruncate(open.fd, off_t(open.size)) != 0 { open.torn = true }
                throw .file(path: path, reason: "cannot append an access record: \(reason)")
            }
            open.size += line.count
            open.nextID += 1
            return open.size
        }
    }

    /// Moves every record appended so far into `log`: the file is set aside (records appended
    /// meanwhile go to a new one), moved a transaction per chunk (`moveChunkBytes`), and removed. The caller keeps moves
    /// apart from each other and from other writes to `log`.
    ///
    /// The lock that appends take is held only to swap two descriptors, no system call: a mover
    /// at a low priority, preempted while holding it, would hold up every read.
    package func move(into log: AccessLog) throws(StoreError) -> (moved: Int, unreadable: Int) {
        var moved = (moved: 0, unreadable: 0)
        // One left by a move that failed goes first, so that ids reach the log in order.
        if access(movingPath, F_OK) == 0 { moved = try Self.moveFile(movingPath, into: log) }
        // A move whose renames failed part way left the file being written under `nextPath`, and
        // the one set aside, if not yet renamed, under `path`: finish them, or every later move
        // would fail to create `nextPath`.
        if access(nextPath, F_OK) == 0 {
            if access(path, F_OK) == 0 {
                try Self.rename(path, to: movingPath)
                let found = try Self.moveFile(movingPath, into: log)
                moved = (moved.moved + found.moved, moved.unreadable + found.unreadable)
            }
            try Self.rename(nextPath, to: path)
        }
        guard file.withLock({ $0.size > 0 || $0.torn }) else { return moved }
        // Exclusive: one left by a rename that failed is the file being written, never emptied.
        let fresh = try Self.create(nextPath, exclusive: true)
        let old = file.withLock { open -> Int32 in
            defer { (open.fd, open.size, open.torn) = (fresh, 0, false) }
            return open.fd
        }
        close(old)
        try Self.rename(path, to: movingPath)
        try Self.rename(nextPath, to: path)
        let found = try Self.moveFile(movingPath, into: log)
        return (moved.moved + found.moved, moved.unreadable + found.unreadable)
    }

    /// Bytes of a file moved at a time (some 2,900 records): a file that grew while the mover was
    /// starved of CPU, or that a crash left, is moved a transaction per chunk, never read whole, and
    /// a move holds about a megabyte at its peak: 96,000 session reads raised the daemon's peak RSS
    /// by 1.9 MB more than the old log did, by 3.7 MB with chunks of 512 KiB copied once more.
    package static let moveChunkBytes = 1 << 18

    /// Inserts the records of the file at `path` into `log`, a chunk of whole lines at a time, and
    /// removes the file. A crash part way leaves the file, and its next move adds only the records
    /// that did not reach the log.
    private static func moveFile(
        _ path: String, into log: AccessLog
    ) throws(StoreError) -> (
        moved: Int, unreadable: Int
    ) {
        // Never through a link: the records are the daemon's own file in its own directory.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw .file(path: path, reason: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var moved = (moved: 0, unreadable: 0)
        var chunk = [UInt8](repeating: 0, count: moveChunkBytes)
        // The start of a line whose end is in the next chunk.
        var carried: [UInt8] = []
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw .file(path: path, reason: "cannot read: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            carried += chunk[0..<n]
            // A line may be longer than a chunk (`account.list` of a key that controls thousands
            // of accounts): it is carried on until its end, never dropped, as its read was answered.
            guard let last = carried.lastIndex(of: UInt8(ascii: "\n")) else { continue }
            let (rows, unreadable) = parse(carried[...last])
            try log.insert(rows)
            moved = (moved.moved + rows.count, moved.unreadable + unreadable)
            carried.removeSubrange(...last)
        }
        // A last line never finished (a power loss can tear one).
        if !carried.isEmpty { moved.unreadable += 1 }
        guard unlink(path) == 0 else {
            throw .file(path: path, reason: "cannot remove after moving: \(String(cString: strerror(errno)))")
        }
        return moved
    }

    /// One record as a line: its id, the time in milliseconds, key, role, method, the accounts
    /// (comma-separated; `*` for every account), peer uid and pid (empty when unknown), by tabs.
    /// None of the fields can hold a tab or a newline: ids, hex, method names and account ids.
    package static func line(_ id: Int64, _ record: AccessRecord) -> [UInt8] {
        var text = "\(id)\t\(record.at.millisecondsSinceEpoch)\t\(record.keyID)\t\(record.role)\t\(record.method)\t"
        if let accounts = record.accounts {
            text += accounts.map(\.rawValue).joined(separator: ",")
        } else {
            text += "*"
        }
        text += "\t\(record.peerUID.map(String.init) ?? "")\t\(record.peerPID.map(String.init) ?? "")\n"
        return Array(text.utf8)
    }

    /// The records of a file's whole lines, and how many lines could not be read. Byte by byte:
    /// splitting `String`s by characters took most of a move's time.
    static func parse(_ bytes: ArraySlice<UInt8>) -> (rows: [(id: Int64, record: AccessRecord)], unreadable: Int) {
        var rows: [(id: Int64, record: AccessRecord)] = []
        var unreadable = 0
        var start = bytes.startIndex
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if let row = row(bytes[start..<newline]) { rows.append(row) } else { unreadable += 1 }
            start = newline + 1
        }
        // What follows the last newline is a line never finished.
        if start < bytes.endIndex { unreadable += 1 }
        return (rows, unreadable)
    }

    private static func row(_ line: ArraySlice<UInt8>) -> (id: Int64, record: AccessRecord)? {
        let fields = line.split(separator: UInt8(ascii: "\t"), maxSplits: 8, omittingEmptySubsequences: false)
        func text(_ index: Int) -> String { String(decoding: fields[index], as: UTF8.self) }
        guard fields.count == 8, let id = Int64(text(0)), let at = Int64(text(1)),
            !fields[2].isEmpty, !fields[3].isEmpty, !fields[4].isEmpty
        else { return nil }
        var accounts: [AccountID]?
        if !fields[5].elementsEqual([UInt8(ascii: "*")]) {
            do {
                accounts = try fields[5].split(separator: UInt8(ascii: ",")).map { bytes throws(LedgerError) in
                    try AccountID(String(decoding: bytes, as: UTF8.self))
                }
            } catch { return nil }
        }
        func optional(_ index: Int) -> Int64?? {
            fields[index].isEmpty ? .some(nil) : Int64(text(index)).map { .some($0) }
        }
        guard let uid = optional(6), let pid = optional(7) else { return nil }
        return (
            id,
            AccessRecord(
                at: Timestamp(millisecondsSinceEpoch: at), keyID: text(2), role: text(3), method: text(4),
                accounts: accounts, peerUID: uid, peerPID: pid)
        )
    }

    private static func path(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// Creates the file empty (mode 0600: who read whose data is private to the daemon); with
    /// `exclusive`, only if there is none. A link in its place is refused, not followed: records
    /// written through it would land wherever it points.
    private static func create(_ path: String, exclusive: Bool) throws(StoreError) -> Int32 {
        let flags = O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW
        let fd = open(path, flags | (exclusive ? O_EXCL : 0), 0o600)
        guard fd >= 0 else { throw .file(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        return fd
    }

    private static func rename(_ from: String, to: String) throws(StoreError) {
        guard Glibc.rename(from, to) == 0 else {
            throw .file(path: from, reason: "cannot set aside: \(String(cString: strerror(errno)))")
        }
    }
}
