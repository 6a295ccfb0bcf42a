import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Testing

/// A packed page (docs/PROTOCOL.md, "Packed pages") must give a verify exactly the entries the
/// JSON page of the same entries gives it, refuse what it cannot read, and fail an entry where
/// `EntryInfo.storedEntry()` fails it.
@Suite("ledger.entries packed: read as the JSON page is read")
struct PackedEntriesTests {
    /// Entries of every shape: ids and texts that need escapes, payloads of every length modulo 3,
    /// with and without postings, care dates, indexes and personal texts, times at both ends.
    static func entries() throws -> [StoredEntry] {
        let texts = JSONWriterTests.texts
        let numbers = JSONWriterTests.numbers
        let times = [Timestamp.fourDigitYears.lowerBound, 0, 1_765_000_000_123, Timestamp.fourDigitYears.upperBound]
        return try texts.enumerated().map { i, text -> StoredEntry in
            let signed = SignedEntry(
                payload: (0..<(i * 37 % 300)).map { UInt8(truncatingIfNeeded: $0 * 7 + i) },
                signature: (0..<(i % 5 == 0 ? i % 70 : 64)).map { UInt8(truncatingIfNeeded: $0 * 31 + i) },
                keyID: KeyID(bytes: (0..<16).map { UInt8(truncatingIfNeeded: $0 * 17 + i) })!)
            let digest = { (seed: Int) in SHA256Digest(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * seed) })! }
            let entry = CommittedEntry(
                seq: numbers[i % numbers.count], entryID: text, kind: EntryKind.allCases[i % EntryKind.allCases.count],
                signed: signed, committedAt: Timestamp(millisecondsSinceEpoch: times[i % times.count]),
                prevHash: digest(i), hash: digest(i + 1))
            let postings = try (0..<(i % 4)).map { n in
                Posting(account: try AccountID("vol:v\(n)"), amount: numbers[(i + n) % numbers.count])
            }
            let personal: [PersonalText]? = [
                nil, [], [PersonalText(path: "memo" + text, salt: Array(repeating: UInt8(i), count: 16), text: text)],
            ][i % 3]
            return StoredEntry(
                entry: entry, postings: postings, personal: personal,
                careDates: i % 2 == 0 && !postings.isEmpty ? postings.map { _ in text } : nil,
                postingIndexes: i % 3 == 0 || postings.isEmpty ? nil : postings.indices.map(Int64.init))
        }
    }

    /// The entries as a verify reads them from the JSON page: one pass, then `storedEntry()`.
    static func readAsJSON(_ entries: [StoredEntry]) throws -> [Result<StoredEntry, VerificationFailure>] {
        let line = RPCCoding.successLine(id: .number(1), StoredEntriesPage(entries: entries))
        let page = try #require(EntriesResult.scan(line: Array(line.dropLast())))
        return page.entries.map { info in Result { () throws(VerificationFailure) in try info.storedEntry() } }
    }

    @Test func aPackedPageReadsAsItsJSONPage() throws {
        let entries = try Self.entries()
        for page in [[], Array(entries.prefix(1)), entries] {
            let packed = PackedEntries.write(page)
            let read = try PackedEntries.read(packed).map { try $0.get() }
            #expect(read == (try Self.readAsJSON(page).map { try $0.get() }))
            #expect(read == page)
            // One spelling: what is read writes back to the very bytes.
            #expect(PackedEntries.write(read) == packed)
        }
    }

    @Test func theAnswerIsWrittenAsJSONEncoderWritesIt() throws {
        let answer = PackedEntriesAnswer(entries: try Self.entries())
        let line = RPCCoding.successLine(id: .number(4), answer)
        #expect(line == (try RPCCoding.line(RPCSuccess(id: .number(4), result: answer))))
        // Read the three ways a client may read it, to the same bytes.
        let bytes = Array(line.dropLast())
        guard case .packed(let scanned)? = EntriesAnswer.scan(line: bytes) else {
            Issue.record("not scanned")
            return
        }
        let members = try #require(StrictJSON.parse(bytes, lenient: true).objectMembers)
        guard case .packed(let tree) = try EntriesAnswer(tree: #require(members["result"])) else {
            Issue.record("not read from the tree")
            return
        }
        let response = try RPCCoding.decoder().decode(RPCResponse<EntriesAnswer>.self, from: line)
        guard case .packed(let decoded)? = response.result else {
            Issue.record("not decoded")
            return
        }
        #expect(scanned == answer.page && tree == answer.page && decoded == answer.page)
    }

    /// A daemon from before packed pages answers the JSON page, which the same answer type reads;
    /// a page with `entries` beside it, a version this client does not read, or a page that is not
    /// canonical base64 is refused by every way of reading it.
    @Test func theJSONPageIsTheFallbackAndOddAnswersAreRefused() throws {
        let json = RPCCoding.successLine(id: .number(2), StoredEntriesPage(entries: try Self.entries()))
        guard case .entries(let page)? = EntriesAnswer.scan(line: Array(json.dropLast())) else {
            Issue.record("the JSON page was not read")
            return
        }
        #expect(page.entries.count == JSONWriterTests.texts.count)
        let odd = [
            #"{"id":1,"result":{"packed":2,"page":"AAAAAA=="}}"#, #"{"id":1,"result":{"page":"AAAAAA=="}}"#,
            #"{"id":1,"result":{"packed":1,"page":"AAAAAA==","entries":[]}}"#,
            #"{"id":1,"result":{"packed":1,"page":"AAAAAB=="}}"#, #"{"id":1,"result":{"packed":1,"page":"AAAAAA=="}}"#,
        ]
        for (index, line) in odd.enumerated() {
            let bytes = Array(line.utf8)
            let decoded = try? RPCCoding.decoder().decode(RPCResponse<EntriesAnswer>.self, from: Data(bytes))
            let members = try #require(StrictJSON.parse(bytes, lenient: true).objectMembers)
            let tree = try? EntriesAnswer(tree: #require(members["result"]))
            if index == odd.count - 1 {
                #expect(EntriesAnswer.scan(line: bytes) != nil && tree != nil && decoded != nil)
            } else {
                #expect(EntriesAnswer.scan(line: bytes) == nil && tree == nil && decoded == nil, "\(line)")
            }
        }
    }

    /// Cut anywhere, lengthened, or with a flag no version sets, a page is refused whole.
    @Test func aMalformedPageIsRefused() throws {
        let packed = PackedEntries.write(Array(try Self.entries().prefix(12)))
        for end in 0..<packed.count {
            #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read(Array(packed[..<end])) }
        }
        #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read(packed + [0]) }
        // The first entry's flags byte: seq, id, kind, key id, time, hashes, signature, payload.
        let one = try Self.entries()[2]
        let single = PackedEntries.write([one])
        let flags =
            4 + 8 + 4 + one.entry.entryID.utf8.count + 4 + one.entry.kind.rawValue.utf8.count + 16 + 8 + 64 + 4
            + one.entry.signed.signature.count + 4 + one.entry.signed.payload.count
        // Care dates, indexes and personal texts, all three.
        #expect(one.postings.count == 2 && single[flags] == 7)
        for bad: UInt8 in [8, 0x80, 0xF8] {
            var changed = single
            changed[flags] |= bad
            #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read(changed) }
        }
        // Care dates or indexes flagged on an entry without postings.
        let none = try Self.entries()[4]
        #expect(none.postings.isEmpty)
        var flagged = PackedEntries.write([none])
        let at = flagged.count - 4 - 1 - (none.personal.map { _ in 4 } ?? 0)
        #expect(flagged[at] & 3 == 0)
        flagged[at] |= 1
        #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read(flagged) }
        // A string that is not UTF-8 (the id's first byte).
        var notUTF8 = single
        notUTF8[4 + 8 + 4] = 0xFF
        #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read(notUTF8) }
        // A count the bytes cannot hold.
        #expect(throws: PackedEntries.Malformed.self) { try PackedEntries.read([0x7F, 0xFF, 0xFF, 0xFF]) }
    }

    /// A field that reads but is no value fails its entry, as the JSON page's entry fails.
    @Test func aBadFieldFailsItsEntryAsInTheJSONPage() throws {
        var entries = Array(try Self.entries()[0..<4])
        let seq = entries[2].entry.seq
        let valid = entries[2]
        var cases: [(String, StoredEntry)] = []
        var kind = valid
        // A kind no entry has: written by hand, since `EntryKind` holds only real ones.
        kind.entry.entryID = "kind"
        cases.append(("kind", kind))
        var account = valid
        account.postings = [Posting(account: try AccountID("vol:a"), amount: 1)]
        cases.append(("posting account", account))
        for (index, time) in [
            Timestamp.fourDigitYears.lowerBound - 1, Timestamp.fourDigitYears.upperBound + 1,
        ].enumerated() {
            var late = valid
            late.entry.committedAt = Timestamp(millisecondsSinceEpoch: time)
            cases.append(("commit time \(index)", late))
        }
        var salt = valid
        salt.personal = [PersonalText(path: "memo", salt: [1, 2, 3], text: "t")]
        cases.append(("personal text", salt))
        for (what, entry) in cases {
            entries[2] = entry
            var packed = PackedEntries.write(entries)
            var json = try Self.readAsJSON(entries)
            if what == "kind" {
                // The kind's bytes follow the id "kind": its first letter changed, in both pages.
                let packedAt = try #require(packed.firstRange(of: Array("kind".utf8) + [0, 0, 0]))
                packed[packedAt.upperBound + 1] = UInt8(ascii: "X")
                var page = EntriesResult(entries: entries.map(EntryInfo.init))
                page.entries[2].kind = "X" + page.entries[2].kind.dropFirst()
                json = page.entries.map { info in Result { () throws(VerificationFailure) in try info.storedEntry() } }
            }
            if what == "posting account" {
                // An account id no ledger has: uppercase, in both pages.
                let packedAt = try #require(packed.firstRange(of: Array("vol:a".utf8)))
                packed[packedAt.lowerBound] = UInt8(ascii: "V")
                var page = EntriesResult(entries: entries.map(EntryInfo.init))
                page.entries[2].postings[0].account = "Vol:a"
                json = page.entries.map { info in Result { () throws(VerificationFailure) in try info.storedEntry() } }
            }
            let read = try PackedEntries.read(packed)
            #expect(read.count == 4)
            for index in [0, 1, 3] { #expect((try? read[index].get()) == entries[index]) }
            guard case .failure(let failure) = read[2], case .failure(let old) = json[2] else {
                Issue.record("\(what): the entry was not failed in both pages")
                continue
            }
            #expect(failure.seq == seq && old.seq == seq, "\(what)")
            #expect(failure.reason.hasPrefix(String(old.reason.prefix(while: { $0 != ":" }))), "\(what)")
        }
    }
}

extension JSONTree {
    fileprivate var objectMembers: [String: JSONTree]? {
        guard case .object(let members) = self else { return nil }
        return members
    }
}
