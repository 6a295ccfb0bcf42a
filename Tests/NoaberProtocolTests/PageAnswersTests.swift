import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import Testing

/// The pages a verify reads are written by `JSONWriter` and read from `StrictJSON`'s tree: the
/// bytes must be `JSONEncoder`'s, and what is read must be what `JSONDecoder` reads.
@Suite("ledger.entries and ledger.tree_nodes pages, written and read without Foundation's coders")
struct PageAnswersTests {
    static let template = #"""
        {"seq":1,"id":"e","kind":"tx","key_id":"k","payload":"cA==","signature":"s","committed_at":"t","prev_hash":"p","hash":"h","postings":[]}
        """#

    func entry(_ i: Int, _ text: String) throws -> EntryInfo {
        var entry = try RPCCoding.decoder().decode(EntryInfo.self, from: Data(Self.template.utf8))
        let numbers = JSONWriterTests.numbers
        entry.seq = numbers[i % numbers.count]
        entry.id = text
        entry.kind = "k" + text
        entry.keyId = text + "k"
        entry.payload = "a/b+c=" + text
        entry.signature = text + text
        entry.committedAt = "2026-12-07T07:27:00.000Z" + text
        entry.prevHash = "p" + text
        entry.hash = text + "h"
        entry.postings = (0..<(i % 4)).map { n in
            PostingInfo(
                account: "vol:" + text, amount: numbers[(i + n) % numbers.count],
                careDate: n % 2 == 0 ? text : nil, idx: i % 3 == 0 ? nil : Int64(n))
        }
        entry.personal = [nil, [], [PersonalTextInfo(path: "memo", salt: text, text: text + "é")]][i % 3]
        return entry
    }

    func page() throws -> [EntryInfo] {
        try JSONWriterTests.texts.enumerated().map { try entry($0, $1) }
    }

    @Test func entriesAreWrittenAsJSONEncoderWritesThem() throws {
        let entries = try page()
        for answer in [
            EntriesResult(entries: []), EntriesResult(entries: Array(entries.prefix(1))),
            EntriesResult(entries: entries),
        ] {
            #expect(
                RPCCoding.successLine(id: .number(7), answer)
                    == (try RPCCoding.line(RPCSuccess(id: .number(7), result: answer))))
        }
    }

    @Test func entriesAreReadAsJSONDecoderReadsThem() throws {
        let encoded = try RPCCoding.encoder().encode(EntriesResult(entries: try page()))
        let read = try EntriesResult(tree: StrictJSON.parse(Array(encoded)))
        let decoded = try RPCCoding.decoder().decode(EntriesResult.self, from: encoded)
        #expect(try RPCCoding.encoder().encode(read) == RPCCoding.encoder().encode(decoded))
        #expect(read.entries.count == JSONWriterTests.texts.count)
    }

    /// The daemon writes a page from the stored entries themselves: the same bytes as through
    /// `EntryInfo`, and as `JSONEncoder`'s, for payloads of every length modulo 3 (base64's
    /// padding), every byte value, texts that need escapes, and each optional part present or not.
    @Test func storedPagesAreWrittenAsTheirEntryInfos() throws {
        let texts = JSONWriterTests.texts
        let numbers = JSONWriterTests.numbers
        let entries = try texts.enumerated().map { i, text -> StoredEntry in
            let payload = (0..<(i * 37 % 300)).map { UInt8(truncatingIfNeeded: $0 * 7 + i) }
            let signed = SignedEntry(
                payload: payload, signature: (0..<64).map { UInt8(truncatingIfNeeded: $0 * 31 + i) },
                keyID: KeyID(hex: String(repeating: "0123456789abcdef", count: 2))!)
            let digest = { (seed: Int) in SHA256Digest(bytes: (0..<32).map { UInt8(truncatingIfNeeded: $0 * seed) })! }
            let entry = CommittedEntry(
                seq: numbers[i % numbers.count], entryID: text, kind: EntryKind.allCases[i % EntryKind.allCases.count],
                signed: signed, committedAt: Timestamp(millisecondsSinceEpoch: Int64(i) * 86_399_999),
                prevHash: digest(i), hash: digest(i + 1))
            let postings = try (0..<(i % 4)).map { n in
                Posting(account: try AccountID("vol:v\(n)"), amount: numbers[(i + n) % numbers.count])
            }
            return StoredEntry(
                entry: entry, postings: postings,
                personal: [
                    nil, [], [PersonalText(path: "memo", salt: Array(repeating: UInt8(i), count: 16), text: text)],
                ][
                    i % 3],
                careDates: i % 2 == 0 ? postings.map { _ in text } : nil,
                postingIndexes: i % 3 == 0 ? nil : postings.indices.map(Int64.init))
        }
        for page in [[], Array(entries.prefix(1)), entries] {
            let written = RPCCoding.successLine(id: .number(3), StoredEntriesPage(entries: page))
            #expect(written == RPCCoding.successLine(id: .number(3), EntriesResult(entries: page.map(EntryInfo.init))))
            #expect(
                written == (try RPCCoding.line(RPCSuccess(id: .number(3), result: StoredEntriesPage(entries: page)))))
        }
    }

    @Test func treeNodesBothWays() throws {
        let nodes = JSONWriterTests.numbers.enumerated().map { i, n in
            TreeNodeInfo(level: n, idx: n / 2, hash: JSONWriterTests.texts[i * 7])
        }
        for answer in [TreeNodesResult(nodes: []), TreeNodesResult(nodes: nodes)] {
            let line = try RPCCoding.line(RPCSuccess(id: .number(2), result: answer))
            #expect(RPCCoding.successLine(id: .number(2), answer) == line)
            let encoded = try RPCCoding.encoder().encode(answer)
            #expect(try TreeNodesResult(tree: StrictJSON.parse(Array(encoded))).nodes == answer.nodes)
        }
    }

    /// Absent or null optional members read as nil, unknown ones are ignored, as by `JSONDecoder`.
    @Test func optionalAndUnknownMembers() throws {
        let json = #"""
            {"entries":[{"seq":3,"id":"e","kind":"tx","key_id":"k","payload":"cA==","signature":"s","committed_at":"t",
            "prev_hash":"p","hash":"h","personal":null,"later":[1,{"x":2}],
            "postings":[{"account":"vol:a","amount":-5,"care_date":null},{"account":"vol:b","amount":5,"idx":1}]}],"more":true}
            """#
        let read = try EntriesResult(tree: StrictJSON.parse(Array(json.utf8)))
        let decoded = try RPCCoding.decoder().decode(EntriesResult.self, from: Data(json.utf8))
        #expect(try RPCCoding.encoder().encode(read) == RPCCoding.encoder().encode(decoded))
        #expect(read.entries[0].personal == nil && read.entries[0].postings[0].careDate == nil)
        #expect(read.entries[0].postings[1].idx == 1)
    }

    /// What `JSONDecoder` refuses is refused: a required member missing or null, a string where
    /// an integer belongs, an integer past Int64, an object where an array belongs.
    @Test func malformedPagesAreRefused() throws {
        let good = Self.template
        let bad = [
            good.replacingOccurrences(of: #""hash":"h","#, with: ""),
            good.replacingOccurrences(of: #""hash":"h""#, with: #""hash":null"#),
            good.replacingOccurrences(of: #""seq":1"#, with: #""seq":"1""#),
            good.replacingOccurrences(of: #""seq":1"#, with: #""seq":9223372036854775808"#),
            good.replacingOccurrences(of: #""postings":[]"#, with: #""postings":{}"#),
            good.replacingOccurrences(of: #""postings":[]"#, with: #""postings":[{"account":"vol:a"}]"#),
            good.replacingOccurrences(of: #""postings":[]"#, with: #""postings":[],"personal":[{"path":"memo"}]"#),
        ]
        for entry in bad {
            let json = #"{"entries":["# + entry + "]}"
            #expect(throws: (any Error).self, "JSONDecoder reads \(json)") {
                try RPCCoding.decoder().decode(EntriesResult.self, from: Data(json.utf8))
            }
            #expect(throws: TreeReadError.self, "\(json)") {
                try EntriesResult(tree: StrictJSON.parse(Array(json.utf8)))
            }
        }
        #expect(throws: TreeReadError.self) { try EntriesResult(tree: StrictJSON.parse(Array(#"{"nodes":[]}"#.utf8))) }
    }

    /// The page as the slow way reads an answer line: one lenient parse, then the tree.
    static func readByTree<R: JSONTreeReadable>(_ line: [UInt8], as: R.Type = EntriesResult.self) -> R? {
        guard let tree = try? StrictJSON.parse(line, lenient: true), case .object(let members) = tree else {
            return nil
        }
        if let error = members["error"], error != .null { return nil }
        guard let result = members["result"], result != .null else { return nil }
        return try? R(tree: result)
    }

    /// The one-pass reader takes a line only when the tree's way reads it, and reads the same
    /// values: twins (the first counts), nulls, unknown members of every kind, and what either
    /// refuses (bad escapes, lone surrogates where a string is read, trailing data, deep nesting,
    /// a number past Int64, a missing member, an error answer, bytes that are not UTF-8).
    @Test func scannedPagesAreReadAsTheTreeReadsThem() throws {
        let entry = Self.template
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let entries = [
            entry,
            entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":1,"seq":2,"id":"twin""#),
            entry.replacingOccurrences(of: #""postings":[]"#, with: #""postings":[],"personal":null"#),
            entry.replacingOccurrences(
                of: #""postings":[]"#,
                with: #""postings":[{"account":"vol:a","amount":-5,"care_date":null,"idx":0,"x":{"y":[1,2.5e3]}},"#
                    + #"{"amount":5,"account":"vol:b","amount":6,"care_date":"2026-12-01"}],"#
                    + #""personal":[{"path":"memo","salt":"00","text":"t\u00e9\ud83d\ude00\n","path":"x"}]"#),
            entry.replacingOccurrences(of: #""hash":"h""#, with: #""hash":"h","later":"\ud800",  "n" : null"#),
            entry.replacingOccurrences(of: #""hash":"h""#, with: #""hash":"\ud800""#),
            entry.replacingOccurrences(of: #""hash":"h""#, with: #""hash":"\x""#),
            entry.replacingOccurrences(of: #""hash":"h""#, with: #""hash":null"#),
            entry.replacingOccurrences(of: #""hash":"h","#, with: ""),
            entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":1.0"#),
            entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":9223372036854775808"#),
            entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":-9223372036854775808"#),
            entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":1,"deep":"# + deep),
            entry.replacingOccurrences(of: #""postings":[]"#, with: #""postings":[{"account":"a","amount":"1"}]"#),
            entry.replacingOccurrences(of: #""postings":[]"#, with: #""postings":[],"personal":[{"path":"p"}]"#),
        ]
        // Integers read in place, or left to the literal's way: each as the tree reads it.
        let seqs = ["-9223372036854775809", "01", "-0", "-", "1e2", "12x", " 7 "]
        let numbered = seqs.map { entry.replacingOccurrences(of: #""seq":1"#, with: #""seq":"# + $0) }
        var lines: [String] = []
        for item in entries + numbered {
            let page = #"{"entries":["# + item + "," + item + "]}"
            lines += [
                #"{"id":1,"jsonrpc":"2.0","result":"# + page + "}",
                #" { "result" : "# + page + #" , "id":1,"result":{"entries":[]} } "#,
                #"{"id":1,"jsonrpc":"2.0","result":"# + page + "}x",
                #"{"error":{"code":-32000,"message":"m"},"id":1,"result":"# + page + "}",
                #"{"error":null,"id":1,"result":"# + page + "}",
            ]
        }
        lines += [
            #"{"id":1,"result":null}"#, #"{"id":1}"#, #"{"result":{"entries":null}}"#, #"{"result":{"x":[]}}"#,
            #"{"result":{"entries":[],"entries":[1]}}"#, #"{"result":{"entries":[1]}}"#, "[]", "",
            #"{"result":{"entries":[]},"result":{}}"#, #"{"result":{"entries":[]}"#,
        ]
        let notUTF8 = Array(#"{"result":{"entries":[],"x":""#.utf8) + [0xFF, 0x22, 0x7D, 0x7D]
        var read = 0
        for line in lines.map({ Array($0.utf8) }) + [notUTF8] {
            let scanned = EntriesResult.scan(line: line)
            let byTree = Self.readByTree(line)
            #expect((scanned == nil) == (byTree == nil), "\(String(decoding: line, as: UTF8.self))")
            if let scanned, let byTree {
                #expect(try RPCCoding.encoder().encode(scanned) == RPCCoding.encoder().encode(byTree))
                read += 1
            }
        }
        #expect(read > 10)
    }

    /// A page of Merkle nodes, likewise: read in one pass only as the tree's way reads it.
    @Test func scannedNodePagesAreReadAsTheTreeReadsThem() throws {
        let node = #"{"hash":"ab","idx":3,"level":0}"#
        let edits: [(String, String)] = [
            (#""idx":3"#, #""idx":3,"idx":4,"x":[{"y":null}]"#),
            (#""idx":3"#, #""idx":null"#),
            (#""idx":3,"#, ""),
            (#""idx":3"#, #""idx":3.0"#),
            (#""idx":3"#, #""idx":"3""#),
            (#""idx":3"#, #""idx":9223372036854775808"#),
            (#""hash":"ab""#, #""hash":"\ud800""#),
            (#""hash":"ab""#, #""hash":"a\u0062""#),
            (#""hash":"ab""#, #""hash":"ab","later":"\ud800""#),
        ]
        let nodes = [node, "[]", "null", "1"] + edits.map { node.replacingOccurrences(of: $0.0, with: $0.1) }
        var lines: [String] = []
        for item in nodes {
            let page = #"{"nodes":["# + item + "," + node + "]}"
            lines += [
                #"{"id":1,"jsonrpc":"2.0","result":"# + page + "}",
                #" { "result" : "# + page + #" , "id":1,"result":{"nodes":[]} } "#,
                #"{"id":1,"result":"# + page + "}x",
                #"{"error":{"code":-32000,"message":"m"},"id":1,"result":"# + page + "}",
                #"{"error":null,"id":1,"result":"# + page + "}",
                #"{"id":1,"result":{"nodes":[],"nodes":["# + item + "]}}",
            ]
        }
        lines += [#"{"id":1,"result":null}"#, #"{"result":{"nodes":null}}"#, #"{"result":{"entries":[]}}"#, ""]
        var read = 0
        for line in lines.map({ Array($0.utf8) }) {
            let scanned = TreeNodesResult.scan(line: line)
            let byTree = Self.readByTree(line, as: TreeNodesResult.self)
            #expect((scanned == nil) == (byTree == nil), "\(String(decoding: line, as: UTF8.self))")
            if let scanned, let byTree {
                #expect(scanned.nodes == byTree.nodes)
                read += 1
            }
        }
        #expect(read > 10)
    }

    func claim(_ i: Int, _ text: String) throws -> ClaimRowInfo {
        let json = #"""
            {"claim_id":"c","seq":1,"committed_at":"t","account":"a","issuer":"i","hours":"1","hour_rate":1,"amount":1}
            """#
        var row = try RPCCoding.decoder().decode(ClaimRowInfo.self, from: Data(json.utf8))
        let number = JSONWriterTests.numbers[i % JSONWriterTests.numbers.count]
        (row.claimId, row.seq, row.committedAt, row.account, row.issuer) = (
            text, number, text + "t", "vol:" + text, text
        )
        (row.hours, row.hourRate, row.amount) = (text + "1.5", number / 7, number)
        let optional = i % 2 == 0
        (row.category, row.careDate, row.memo) = (optional ? text : nil, optional ? nil : text, optional ? text : nil)
        (row.decidedSeq, row.decision, row.reason) = (
            optional ? number : nil, optional ? nil : text, optional ? text : nil
        )
        return row
    }

    /// Each table's page, and an empty one, both ways.
    @Test func rowsBothWays() throws {
        let texts = JSONWriterTests.texts
        let numbers = JSONWriterTests.numbers
        var pages = [
            RowsResult(headSeq: 5, claims: try texts.enumerated().map { try claim($0, $1) }),
            RowsResult(
                headSeq: -1,
                reversals: texts.enumerated().map { ReversalRowInfo(reversedId: $1, reversalSeq: numbers[$0 % 8]) }),
            RowsResult(
                headSeq: Int64.max,
                personalSubjects: texts.enumerated().map { SubjectRowInfo(account: $1, seq: numbers[$0 % 8]) }),
            RowsResult(headSeq: 0, claims: []),
        ]
        var credits = RowsResult(headSeq: 9)
        credits.batchCredits = texts.enumerated().map {
            BatchCreditRowInfo(creditId: $1, seq: numbers[$0 % 8], idx: numbers[($0 + 3) % 8])
        }
        pages.append(credits)
        for page in pages {
            #expect(
                RPCCoding.successLine(id: .number(4), page)
                    == (try RPCCoding.line(RPCSuccess(id: .number(4), result: page))))
            let encoded = try RPCCoding.encoder().encode(page)
            let read = try RowsResult(tree: StrictJSON.parse(Array(encoded)))
            #expect(try RPCCoding.encoder().encode(read) == encoded)
        }
        #expect(throws: TreeReadError.self) {
            try RowsResult(
                tree: StrictJSON.parse(Array(#"{"head_seq":1,"batch_credits":[{"credit_id":"x","seq":1}]}"#.utf8)))
        }
    }
}
