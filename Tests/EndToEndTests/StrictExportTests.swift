import Foundation
import NoaberTestSupport
import Testing

/// `noaber verify --file` is as strict as docs/FORMAT.md §13 (issue #11): one spelling per value
/// (lowercase hex, canonical base64, §4's time), no unknown or null field, the order of the
/// state's lists, no `idx` on an export's postings, and the row counts and checkpoint row of the
/// state. Each edit of a real export fails with exit 2 and names its line.
@Suite("verify --file refuses every other spelling")
struct StrictExportTests {
    /// An edit of one line of the export (1 is the header), and what the failure must say.
    struct Edit: CustomStringConvertible {
        var what: String
        var line: Int
        var change: (inout [String: Any]) -> Void
        var named: String
        var description: String { what }
    }

    @Test func everyOtherSpellingIsRefusedNamingItsLine() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        try daemon.ok("export", "--format", "jsonl", "--out", "ledger.jsonl")
        let path = daemon.directory.appendingPathComponent("ledger.jsonl").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(try daemon.noaber("verify", "--file", "ledger.jsonl").status == 0)
        // The entry whose payload's base64 ends in padding, whose last character can be spelt otherwise.
        let padded = try #require(lines.indices.dropFirst().first { lines[$0].contains("=\",\"postings\"") })
        var (refused, named) = (0, 0)
        for edit in Self.edits(padded: padded + 1) {
            var edited = lines
            var object = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[edit.line - 1].utf8)) as? [String: Any])
            edit.change(&object)
            edited[edit.line - 1] = String(
                decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
            try (edited.joined(separator: "\n") + "\n").write(
                to: daemon.directory.appendingPathComponent("edited.jsonl"), atomically: true, encoding: .utf8)
            let result = try daemon.noaber("verify", "--file", "edited.jsonl")
            #expect(result.status == 2, "\(edit): \(result.stdout)")
            #expect(result.stderr.contains(edit.named), "\(edit): \(result.stderr)")
            if result.status == 2 { refused += 1 }
            if result.stderr.contains(edit.named) { named += 1 }
        }
        let total = Self.edits(padded: padded + 1).count
        print("verify --file: \(refused) of \(total) edited exports refused, \(named) naming the line and the field")
        #expect(refused == total && named == total)
    }

    /// An export from before `table_rows` and `checkpoint_row` still verifies: they are checked
    /// when present, and absent from older exports (FORMAT.md §13).
    @Test func anExportWithoutTheNewCountsStillVerifies() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon, entryVersion: 1)
        let export = try daemon.ok("export", "--format", "jsonl")
        var lines = export.split(separator: "\n").map(String.init)
        var header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        var state = try #require(header["state"] as? [String: Any])
        #expect(state["table_rows"] != nil && state["checkpoint_row"] != nil)
        state["table_rows"] = nil
        state["checkpoint_row"] = nil
        header["state"] = state
        lines[0] = String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)
        try (lines.joined(separator: "\n") + "\n").write(
            to: daemon.directory.appendingPathComponent("older.jsonl"), atomically: true, encoding: .utf8)
        let result = try daemon.noaber("verify", "--file", "older.jsonl")
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func edits(padded: Int) -> [Edit] { entryEdits(padded: padded) + headerEdits() }

    /// Edits of the entry lines: another spelling of a value, a field that is not the format's.
    static func entryEdits(padded: Int) -> [Edit] {
        func upper(_ key: String) -> (inout [String: Any]) -> Void {
            { $0[key] = ($0[key] as? String)?.uppercased() }
        }
        return [
            Edit(what: "uppercase hash", line: 3, change: upper("hash"), named: "line 3: malformed hash"),
            Edit(what: "uppercase prev_hash", line: 4, change: upper("prev_hash"), named: "line 4: malformed hash"),
            Edit(what: "uppercase key id", line: 5, change: upper("key_id"), named: "line 5: malformed key id"),
            Edit(
                what: "uppercase signature", line: 6, change: upper("signature"), named: "line 6: malformed signature"),
            Edit(
                what: "loose base64", line: padded, change: { $0["payload"] = loose($0["payload"] as? String ?? "") },
                named: "line \(padded): malformed payload: it must be standard base64 with padding"),
            Edit(
                what: "time without milliseconds", line: 7,
                change: {
                    $0["committed_at"] = ($0["committed_at"] as? String).map { $0.dropLast(5) + "Z" }
                },
                named: "line 7: malformed commit time"),
            Edit(
                what: "idx on a posting", line: 11,
                change: { entry in
                    entry["postings"] = (entry["postings"] as? [[String: Any]] ?? []).enumerated().map {
                        var posting = $0.element
                        posting["idx"] = $0.offset
                        return posting
                    }
                }, named: "line 11: field \"postings[0].idx\" is not part of an export's entry line"),
            Edit(
                what: "an unknown field", line: 4, change: { $0["colour"] = "blue" },
                named: "line 4: field \"colour\" is not part of an export's entry line"),
        ]
    }

    /// Edits of the header's state: spelling, order, and rows the chain does not explain.
    static func headerEdits() -> [Edit] {
        func state(_ change: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
            { header in
                var state = header["state"] as? [String: Any] ?? [:]
                change(&state)
                header["state"] = state
            }
        }
        let header = "line 1 of edited.jsonl (the header)"
        return [
            Edit(
                what: "a null field", line: 1, change: state { $0["checkpoint"] = NSNull() },
                named: "\(header): field \"state.checkpoint\" is null; omit it instead"),
            Edit(
                what: "an unknown field in the state", line: 1, change: state { $0["colour"] = "blue" },
                named: "\(header): field \"state.colour\" is not part of an export's header"),
            Edit(
                what: "uppercase public key", line: 1,
                change: state { state in
                    var keys = state["keys"] as? [[String: Any]] ?? []
                    keys[0]["public_key"] = (keys[0]["public_key"] as? String)?.uppercased()
                    state["keys"] = keys
                }, named: "\(header): the stored state has a malformed key"),
            Edit(
                what: "uppercase controller", line: 1,
                change: state { state in
                    var accounts = state["accounts"] as? [[String: Any]] ?? []
                    accounts[0]["controllers"] = (accounts[0]["controllers"] as? [String])?.map { $0.uppercased() }
                    state["accounts"] = accounts
                }, named: "\(header): the stored state has a malformed controller"),
            Edit(
                what: "keys out of order", line: 1,
                change: state { state in state["keys"] = (state["keys"] as? [Any]).map { Array($0.reversed()) } },
                named: "\(header): the stored state lists its keys out of order"),
            Edit(
                what: "accounts out of order", line: 1,
                change: state { state in state["accounts"] = (state["accounts"] as? [Any]).map { Array($0.reversed()) }
                },
                named: "\(header): the stored state lists its accounts out of order"),
            Edit(
                what: "a Merkle node of no subtree", line: 1,
                change: state { state in
                    var rows = state["table_rows"] as? [String: Any] ?? [:]
                    rows["merkle_nodes"] = 23
                    state["table_rows"] = rows
                }, named: "the merkle_nodes table holds 23 rows, but the chain explains 22 (one per complete subtree)"),
            Edit(
                what: "checkpoint row of another size", line: 1,
                change: state { state in
                    var row = state["checkpoint_row"] as? [String: Any] ?? [:]
                    row["tree_size"] = 11
                    state["checkpoint_row"] = row
                }, named: "checkpoint: the stored row's tree_size (11) differs from its note's (12)"),
        ]
    }

    /// The same bytes in base64 with the unused bits of the last character set, which lenient
    /// decoders (Foundation's among them) read as the same bytes.
    static func loose(_ base64: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var characters = Array(base64)
        let padding = characters.reversed().prefix { $0 == "=" }.count
        let at = characters.count - padding - 1
        guard padding > 0, let index = alphabet.firstIndex(of: characters[at]) else { return base64 }
        characters[at] = alphabet[index | (padding == 1 ? 0b11 : 0b1111)]
        return String(characters)
    }
}
