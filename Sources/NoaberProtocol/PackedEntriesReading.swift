package import NoaberCore
import NoaberCrypto

extension PackedEntries {
    /// Why a packed page cannot be read at all: cut short, a length past its end, bytes after the
    /// last entry, a string that is not UTF-8, a flag no version sets. As for a JSON answer that
    /// does not parse, the answer is refused; nothing of it is checked.
    package struct Malformed: Error, CustomStringConvertible, Equatable {
        package var description: String
        init(_ description: String) { self.description = "packed page: \(description)" }
    }

    /// The fewest bytes an entry takes (no id, kind, signature, payload, posting or text).
    static let smallestEntry = 8 + 4 + 4 + 16 + 8 + 32 + 32 + 4 + 4 + 1 + 4

    /// The page's entries in order, each converted as `EntryInfo.storedEntry()` converts the JSON
    /// page's, or the failure it names at that entry (a kind that is none, an account id that is
    /// not one, a commit time outside the years 0000–9999, a salt that is not 16 bytes): the
    /// caller reports the first one it keeps, as for the JSON page.
    package static func read(_ bytes: [UInt8]) throws(Malformed) -> [Result<StoredEntry, VerificationFailure>] {
        var reader = PackedReader(bytes: bytes)
        let count = try reader.u32()
        // A count the bytes cannot hold is refused before anything is reserved for it.
        guard count <= bytes.count / smallestEntry else { throw Malformed("\(count) entries cannot fit") }
        var entries: [Result<StoredEntry, VerificationFailure>] = []
        entries.reserveCapacity(count)
        for _ in 0..<count { entries.append(try reader.entry()) }
        guard reader.at == bytes.count else { throw Malformed("bytes after the last entry") }
        return entries
    }
}

/// A cursor over a packed page; every read is bounds-checked and throws when the bytes end.
struct PackedReader {
    let bytes: [UInt8]
    var at = 0

    private func short(_ what: String) -> PackedEntries.Malformed {
        PackedEntries.Malformed("it ends inside \(what) at byte \(at)")
    }

    mutating func u8() throws(PackedEntries.Malformed) -> UInt8 {
        guard at < bytes.count else { throw short("a flags byte") }
        at += 1
        return bytes[at - 1]
    }

    mutating func u32() throws(PackedEntries.Malformed) -> Int {
        guard bytes.count - at >= 4 else { throw short("a length") }
        var value = 0
        for index in at..<(at + 4) { value = value << 8 | Int(bytes[index]) }
        at += 4
        return value
    }

    mutating func i64() throws(PackedEntries.Malformed) -> Int64 {
        guard bytes.count - at >= 8 else { throw short("an integer") }
        var value: UInt64 = 0
        for index in at..<(at + 8) { value = value << 8 | UInt64(bytes[index]) }
        at += 8
        return Int64(bitPattern: value)
    }

    mutating func fixed(_ count: Int) throws(PackedEntries.Malformed) -> [UInt8] {
        guard bytes.count - at >= count else { throw short("a field of \(count) bytes") }
        at += count
        return Array(bytes[(at - count)..<at])
    }

    mutating func data() throws(PackedEntries.Malformed) -> [UInt8] {
        let count = try u32()
        guard bytes.count - at >= count else { throw short("a field of \(count) bytes") }
        return try fixed(count)
    }

    mutating func string() throws(PackedEntries.Malformed) -> String {
        let count = try u32()
        guard bytes.count - at >= count else { throw short("a string of \(count) bytes") }
        let slice = bytes[at..<(at + count)]
        // ASCII is UTF-8 as it stands; `String(validating:)` only for the rest (it is not
        // specialised for these bytes, and looks up its generic metadata on every call).
        let text =
            slice.allSatisfy({ $0 < 0x80 })
            ? String(decoding: slice, as: UTF8.self) : String(validating: slice, as: UTF8.self)
        guard let text else { throw PackedEntries.Malformed("a string at byte \(at) is not UTF-8") }
        at += count
        return text
    }

    // size: one entry's fields in their order, each named; split, the order would be harder to see.
    mutating func entry() throws(PackedEntries.Malformed) -> Result<StoredEntry, VerificationFailure> {
        let seq = try i64()
        var failure: String?
        func fail(_ what: String) { if failure == nil { failure = what } }
        let id = try string()
        let kindText = try string()
        let kind = EntryKind(rawValue: kindText)
        if kind == nil { fail("kind") }
        let key = KeyID(bytes: try fixed(16))
        let time = Timestamp(millisecondsSinceEpoch: try i64())
        if !Timestamp.fourDigitYears.contains(time.millisecondsSinceEpoch) {
            fail("commit time: it must fall in the years 0000 to 9999")
        }
        let prev = SHA256Digest(bytes: try fixed(32))
        let hash = SHA256Digest(bytes: try fixed(32))
        let signature = try data()
        let payload = try data()
        let flags = try u8()
        guard flags & ~(PackedEntries.careDatesBit | PackedEntries.indexesBit | PackedEntries.personalBit) == 0 else {
            throw PackedEntries.Malformed("entry \(seq) has flags \(flags)")
        }
        let count = try u32()
        guard count > 0 || flags & (PackedEntries.careDatesBit | PackedEntries.indexesBit) == 0 else {
            throw PackedEntries.Malformed("entry \(seq) has care dates or indexes but no postings")
        }
        guard count <= (bytes.count - at) / 12 else { throw PackedEntries.Malformed("\(count) postings cannot fit") }
        var postings: [Posting] = []
        postings.reserveCapacity(count)
        var careDates: [String] = []
        var indexes: [Int64] = []
        for _ in 0..<count {
            let account = try string()
            let amount = try i64()
            if let id = try? AccountID(account) {
                postings.append(Posting(account: id, amount: amount))
            } else {
                fail("posting account")
            }
            if flags & PackedEntries.careDatesBit != 0 { careDates.append(try string()) }
            if flags & PackedEntries.indexesBit != 0 { indexes.append(try i64()) }
        }
        var personal: [PersonalText]?
        if flags & PackedEntries.personalBit != 0 {
            let texts = try u32()
            guard texts <= (bytes.count - at) / 12 else { throw PackedEntries.Malformed("\(texts) texts cannot fit") }
            var read: [PersonalText] = []
            read.reserveCapacity(texts)
            for _ in 0..<texts {
                let path = try string()
                let salt = try data()
                let text = try string()
                if salt.count != PersonalData.saltBytes { fail("personal text \"\(path)\"") }
                read.append(PersonalText(path: path, salt: salt, text: text))
            }
            personal = read
        }
        if let failure { return .failure(VerificationFailure(seq: seq, reason: "malformed \(failure)")) }
        guard let kind, let key, let prev, let hash else {
            return .failure(VerificationFailure(seq: seq, reason: "malformed kind"))
        }
        let entry = CommittedEntry(
            seq: seq, entryID: id, kind: kind, signed: SignedEntry(payload: payload, signature: signature, keyID: key),
            committedAt: time, prevHash: prev, hash: hash)
        return .success(
            StoredEntry(
                entry: entry, postings: postings, personal: personal, careDates: careDates.isEmpty ? nil : careDates,
                postingIndexes: indexes.isEmpty ? nil : indexes))
    }
}
