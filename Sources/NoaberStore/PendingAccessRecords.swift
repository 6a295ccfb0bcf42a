import Glibc
import NoaberCore
import Synchronization

/// The access log's front door: each read's record appended to a plain file beside the log by
/// one `write`, on the thread that serves the read, and moved into `access.sqlite` (`AccessLog`)
/// in bulk later.
///
/// A `write` to the page cache survives a crash of the daemon, as a commit of the log's WAL at
/// `synchronous=NORMAL` does, and costs a system call where a transaction cost its locks, two WAL
/// pages and two thread hand-offs per group of reads (Benchmarks/README.md, "The read path").
/// Each record carries its row id, given here in the order of the writes, so that moving a file a
/// second time (after a crash between the move's commit and the file's removal) adds nothing.
///
/// Each thread that appends has a file of its own (a slot: the event loops, one per core), so
/// that one loop's `write`, stalled in the kernel, never holds another's read, and two loops never
/// meet on a lock or on the file's inode. A file is set aside (renamed to a `moving` name) by the
/// thread that writes it, once it is long enough (`setAside(above:)`), or by a move of everything
/// (`move(into:)`); the mover takes only files set aside (`moveSetAside(into:)`), so a mover at
/// the lowest priority never holds a lock that a read waits for (Benchmarks/README.md, "The read
/// path, third round").
package final class PendingAccessRecords: Sendable {
    /// The first slot's file; a slot after it appends `.N`.
    package static let fileName = "access.pending"
    /// A file set aside to be moved into the log (`.N` after it, in the order they were set aside);
    /// one left behind by a crash is moved at the next open.
    package static let movingName = "access.pending.moving"
    /// The file that takes over from one being set aside, until it is renamed to the slot's name.
    package static let nextName = "access.pending.next"

    private struct Open {
        var fd: Int32
        /// Bytes in the file: a failed write is cut off here, so the next record starts a line.
        var size: Int
        /// A failed write that could not be cut off either: the next record would join its part
        /// and be lost with it, so nothing is appended here until the file is set aside.
        var torn = false
        /// After a set-aside failed, the size at which the next is tried, so that every read past
        /// the mark does not try again.
        var retryAbove = 0
    }

    /// One thread's file: its lock is taken by that thread's appends, and by a move of
    /// everything (`move(into:)`), never by the mover.
    private final class Slot: Sendable {
        let index: Int
        let file: Mutex<Open>
        init(index: Int, fd: Int32) {
            self.index = index
            file = Mutex(Open(fd: fd, size: 0))
        }
    }

    private let slots: [Slot]
    private let directory: String
    /// The next record's id: taken under a slot's lock with the write, so that a move of every
    /// slot at once (`move(into:)`) holds every id below the next.
    private let nextID: Atomic<Int64>
    /// The number of the next file set aside.
    private let nextMoving = Atomic<Int>(1)
    /// Which slot the calling thread writes to (its index plus one), assigned on its first record.
    private let slotKey: pthread_key_t
    private let slotsGiven = Atomic<Int>(0)
    /// What the open moved into the log from a previous run: records, and lines that could not
    /// be read (a power loss can leave a torn last line; a crash of the daemon alone cannot).
    package let recovered: (moved: Int, unreadable: Int)

    /// Moves whatever a previous run left pending into `log`, then opens an empty file for each of
    /// `slots` threads, the ids following the log's last.
    package init(directory: String, log: AccessLog, slots count: Int = 1) throws(StoreError) {
        self.directory = directory
        var moved = (moved: 0, unreadable: 0)
        // Every file a run or a crash can leave, of this version or the last: the ids are in the
        // records, so the order they are moved in does not matter.
        for name in try Self.names(in: directory, { $0.hasPrefix(Self.fileName) }) {
            let found = try Self.moveFile(Self.path(directory, name), into: log)
            moved = (moved.moved + found.moved, moved.unreadable + found.unreadable)
        }
        recovered = moved
        nextID = Atomic(try log.lastID() + 1)
        var made: [Slot] = []
        for index in 0..<max(count, 1) {
            made.append(
                Slot(index: index, fd: try Self.create(Self.path(directory, Self.live(index)), exclusive: false)))
        }
        slots = made
        var key = pthread_key_t()
        guard pthread_key_create(&key, nil) == 0 else {
            throw .file(path: directory, reason: "cannot make a thread key for the pending access records")
        }
        slotKey = key
    }

    deinit {
        for slot in slots { slot.file.withLock { _ = close($0.fd) } }
        pthread_key_delete(slotKey)
    }

    /// The calling thread's slot: the next unused one on its first record (shared round when
    /// there are more threads than slots).
    private var slot: Slot {
        if let given = pthread_getspecific(slotKey) { return slots[(Int(bitPattern: given) - 1) % slots.count] }
        let index = slotsGiven.wrappingAdd(1, ordering: .relaxed).oldValue % slots.count
        pthread_setspecific(slotKey, UnsafeRawPointer(bitPattern: index + 1))
        return slots[index]
    }

    /// Appends `record` by one `write` to the calling thread's file and returns the bytes now in
    /// it; throws if it is not wholly written, and then leaves the file as it was.
    @discardableResult
    package func append(_ record: AccessRecord) throws(StoreError) -> Int {
        let slot = slot
        return try slot.file.withLock { open throws(StoreError) -> Int in
            // The path is named only in an error: a read's record makes no string it need not.
            func path() -> String { Self.path(directory, Self.live(slot.index)) }
            guard !open.torn else {
                throw .file(path: path(), reason: "cannot append an access record: a failed write was not cut off")
            }
            let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
            let line = Self.line(id, record)
            let written = line.withUnsafeBufferPointer { write(open.fd, $0.baseAddress, $0.count) }
            guard written == line.count else {
                let reason = written < 0 ? String(cString: strerror(errno)) : "short write"
                // A part of a line would join the next record's; the file ends where it did. The
                // id is not used again: the log's ids have a gap there.
                if ftruncate(open.fd, off_t(open.size)) != 0 { open.torn = true }
                throw .file(path: path(), reason: "cannot append an access record: \(reason)")
            }
            open.size += line.count
            return open.size
        }
    }

    /// Sets the calling thread's file aside for the mover once it holds at least `above` bytes (or
    /// a torn write); returns whether it did. A set-aside that fails is tried again only once the
    /// file has grown by `above` more.
    package func setAside(above: Int) throws(StoreError) -> Bool {
        let slot = slot
        return try slot.file.withLock { open throws(StoreError) -> Bool in
            guard open.torn || open.size >= max(above, open.retryAbove) else { return false }
            do throws(StoreError) { try setAside(slot.index, &open) } catch {
                open.retryAbove = open.size + above
                throw error
            }
            return true
        }
    }

    /// Moves every record appended so far, in every slot, into `log`: each file is set aside
    /// under every slot's lock at once, so that the log then holds every id below the next (a
    /// reader paging by id never passes one that a slot still held), then moved. The caller
    /// keeps moves apart from each other and from other writes to `log`.
    package func move(into log: AccessLog) throws(StoreError) -> (moved: Int, unreadable: Int) {
        try setAsideAll(from: 0)
        return try moveSetAside(into: log)
    }

    private func setAsideAll(from index: Int) throws(StoreError) {
        guard index < slots.count else { return }
        try slots[index].file.withLock { open throws(StoreError) in
            // A set-aside whose renames failed left records under the slot's name: they go too.
            if open.size > 0 || open.torn || access(Self.path(directory, Self.next(index)), F_OK) == 0 {
                try setAside(index, &open)
            }
            try setAsideAll(from: index + 1)
        }
    }

    /// Moves the files set aside into `log`, a transaction per chunk (`moveChunkBytes`), and
    /// removes them; takes no lock that an append takes. `between` runs between every few rows of
    /// a move (the mover yields its core there). The caller keeps moves apart from each other and
    /// from other writes to `log`.
    package func moveSetAside(
        into log: AccessLog, between: () -> Void = {}
    ) throws(StoreError) -> (moved: Int, unreadable: Int) {
        var moved = (moved: 0, unreadable: 0)
        let waiting = try Self.names(in: directory) { $0.hasPrefix(Self.movingName) }.sorted {
            Self.number($0) < Self.number($1)
        }
        for name in waiting {
            let found = try Self.moveFile(Self.path(directory, name), into: log, between: between)
            moved = (moved.moved + found.moved, moved.unreadable + found.unreadable)
        }
        return moved
    }

    /// Sets slot `index`'s file aside, `open` being its state under its lock: a new file takes its
    /// place first, so that no record is written to a file the mover may be reading.
    private func setAside(_ index: Int, _ open: inout Open) throws(StoreError) {
        let live = Self.path(directory, Self.live(index))
        let next = Self.path(directory, Self.next(index))
        // A set-aside whose renames failed left the file being written under the next name, and
        // the one set aside, if not yet renamed, under the slot's: finish them first.
        if access(next, F_OK) == 0 {
            if access(live, F_OK) == 0 { try Self.rename(live, to: movingPath()) }
            try Self.rename(next, to: live)
        }
        let fresh = try Self.create(next, exclusive: true)
        let old = open.fd
        (open.fd, open.size, open.torn, open.retryAbove) = (fresh, 0, false, 0)
        close(old)
        try Self.rename(live, to: movingPath())
        try Self.rename(next, to: live)
    }

    private func movingPath() -> String {
        Self.path(directory, "\(Self.movingName).\(nextMoving.wrappingAdd(1, ordering: .relaxed).oldValue)")
    }

    /// Slot `index`'s file name.
    static func live(_ index: Int) -> String { index == 0 ? fileName : "\(fileName).\(index)" }

    /// The name of the file that takes over slot `index`'s.
    static func next(_ index: Int) -> String { index == 0 ? nextName : "\(nextName).\(index)" }

    /// The number after a set-aside file's name (0 for one of the last version, which had none).
    private static func number(_ name: String) -> Int {
        Int(name.dropFirst(movingName.count + 1)) ?? 0
    }

    /// The names in `directory` that `keep` keeps.
    private static func names(in directory: String, _ keep: (String) -> Bool) throws(StoreError) -> [String] {
        guard let dir = opendir(directory) else {
            throw .file(path: directory, reason: "cannot list: \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            if keep(name) { names.append(name) }
        }
        return names
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
        _ path: String, into log: AccessLog, between: () -> Void = {}
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
            let (rows, unreadable) = parse(carried[...last], between: between)
            try log.insert(rows, between: between)
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

    /// The records of a file's whole lines, and how many lines could not be read, `between` run
    /// after every `AccessLog.rowsBetweenPauses` lines. Byte by byte: splitting `String`s by
    /// characters took most of a move's time.
    static func parse(
        _ bytes: ArraySlice<UInt8>, between: () -> Void = {}
    ) -> (rows: [(id: Int64, record: AccessRecord)], unreadable: Int) {
        var rows: [(id: Int64, record: AccessRecord)] = []
        var unreadable = 0
        var start = bytes.startIndex
        var lines = 0
        while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
            // A chunk's lines are a few milliseconds of the mover's CPU: it yields between them too.
            lines += 1
            if lines % AccessLog.rowsBetweenPauses == 0 { between() }
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
