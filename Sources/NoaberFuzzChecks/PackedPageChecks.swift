import NoaberCore
import NoaberCrypto
import NoaberProtocol

/// A packed page of `ledger.entries` (docs/PROTOCOL.md, "Packed pages") is read only as the JSON
/// page of the same entries is read the old way, and in one spelling only.
enum PackedPageChecks {
    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let read = try? PackedEntries.read(bytes) else { return }
        var entries: [StoredEntry] = []
        for result in read {
            switch result {
            case .success(let stored): entries.append(stored)
            case .failure(let failure):
                try require(failure.seq != nil, "a packed entry failed without naming its seq")
                return
            }
        }
        try require(PackedEntries.write(entries) == bytes, "a packed page was read from a second spelling")
        // The same entries as the JSON page, read the old way: one pass, then `storedEntry()`.
        let line = RPCCoding.successLine(id: .number(1), StoredEntriesPage(entries: entries))
        guard let page = EntriesResult.scan(line: Array(line.dropLast())) else {
            throw FuzzFinding("the JSON page of a packed page's entries does not read")
        }
        try require(page.entries.count == entries.count, "the JSON page holds another number of entries")
        for (info, stored) in zip(page.entries, entries) {
            let old: StoredEntry
            do { old = try info.storedEntry() } catch {
                throw FuzzFinding("entry \(info.seq) read packed is refused as JSON: \(error.reason)")
            }
            try require(old == stored, "entry \(info.seq) read packed is another entry as JSON")
        }
    }

    /// A page of three entries of different shapes, as a daemon sends it: the fuzzer's seed.
    static func seed() -> [UInt8] {
        let key = KeyID(bytes: Array(0..<16))!
        let entries = (1...3).map { n -> StoredEntry in
            let entry = CommittedEntry(
                seq: Int64(n), entryID: "e-\(n)", kind: n == 1 ? .ledgerInit : .transaction,
                signed: SignedEntry(
                    payload: Array(#"{"v":2}"#.utf8), signature: Array(repeating: 7, count: 64), keyID: key),
                committedAt: Timestamp(millisecondsSinceEpoch: 1_765_000_000_000 + Int64(n)),
                prevHash: SHA256Digest(bytes: Array(repeating: UInt8(n - 1), count: 32))!,
                hash: SHA256Digest(bytes: Array(repeating: UInt8(n), count: 32))!)
            let postings =
                n == 1
                ? []
                : [
                    Posting(account: try! AccountID("org:a"), amount: -5),
                    Posting(account: try! AccountID("vol:b"), amount: 5),
                ]
            return StoredEntry(
                entry: entry, postings: postings,
                personal: n == 3
                    ? [PersonalText(path: "memo", salt: Array(repeating: 1, count: 16), text: "zorg é")] : nil,
                careDates: n == 1 ? nil : ["2026-12-07", "2026-12-07"], postingIndexes: n == 1 ? nil : [0, 1])
        }
        return PackedEntries.write(entries)
    }
}
