import NoaberCore

// A page of `ledger.entries` (and of `ledger.tree_nodes`) read from its answer line in one pass (`JSONPullReader`), with no
// dictionary per object: through `StrictJSON.parse` and `JSONTreeReadable` a credits page built
// a dictionary for each of its thousands of personal texts only to read three members of each.
// The pass accepts only what that way accepts, and reads the same values from it
// (`PageAnswersTests`); whatever it does not take, the caller reads that way, which then decides.

/// A result read straight from its answer line; nil whenever the line is not the plain success
/// of this shape (an error answer, a value of another type, anything malformed).
package protocol JSONLineScannable: JSONTreeReadable {
    static func scan(line: [UInt8]) -> Self?
}

/// The plain success answer `{"result": R, "error": null?, ...}` of a line, its result read by
/// `result` at depth 1; nil for an error answer or anything that does not fit.
func scanAnswer<R>(
    _ line: [UInt8], _ result: (inout JSONPullReader) throws(LedgerError) -> R
) -> R? {
    var reader = JSONPullReader(line)
    var read: R?
    var failed = false
    do throws(LedgerError) {
        // The first of twin members counts, as in the lenient parse of an answer line.
        var seen: Set<String> = []
        try reader.object(depth: 0) { (reader, key) throws(LedgerError) in
            guard (key == "result" || key == "error") && seen.insert(key).inserted else {
                return try reader.skip(depth: 1)
            }
            if key == "error" {
                failed = !(try reader.null())
                if failed { try reader.skip(depth: 1) }
            } else if !(try reader.null()) {
                read = try result(&reader)
            }
        }
        try reader.end()
    } catch { return nil }
    guard !failed else { return nil }
    return read
}

/// The one array member `name` of the result object at depth 1, each item read by `item` at
/// depth 3; other members are skipped and the first of twins counts.
func scanList<T>(
    _ reader: inout JSONPullReader, _ name: String, _ item: (inout JSONPullReader) throws(LedgerError) -> T
) throws(LedgerError) -> [T] {
    var list: [T]?
    try reader.object(depth: 1) { (reader, key) throws(LedgerError) in
        guard key == name, list == nil else { return try reader.skip(depth: 2) }
        guard !(try reader.null()) else { throw JSONPullReader.mismatch }
        var items: [T] = []
        try reader.array(depth: 2) { (reader) throws(LedgerError) in items.append(try item(&reader)) }
        list = items
    }
    guard let list else { throw JSONPullReader.mismatch }
    return list
}

extension EntriesResult: JSONLineScannable {
    package static func scan(line: [UInt8]) -> EntriesResult? {
        scanAnswer(line) { (reader) throws(LedgerError) in
            EntriesResult(
                entries: try scanList(&reader, "entries") { (reader) throws(LedgerError) in
                    try EntryInfo(scanning: &reader)
                })
        }
    }
}

extension TreeNodesResult: JSONLineScannable {
    /// A page of `ledger.tree_nodes` (about two nodes per entry), read as `init(tree:)` reads it.
    package static func scan(line: [UInt8]) -> TreeNodesResult? {
        scanAnswer(line) { (reader) throws(LedgerError) in
            TreeNodesResult(
                nodes: try scanList(&reader, "nodes") { (reader) throws(LedgerError) in
                    try TreeNodeInfo(scanning: &reader)
                })
        }
    }
}

extension TreeNodeInfo {
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var level: Int64?
        var idx: Int64?
        var hash: String?
        try reader.members(["level", "idx", "hash"], depth: 3) { (reader, index) throws(LedgerError) in
            switch index {
            case 0: level = try reader.integer()
            case 1: idx = try reader.integer()
            default: hash = try reader.string()
            }
        }
        guard let level, let idx, let hash else { throw JSONPullReader.mismatch }
        self.init(level: level, idx: idx, hash: hash)
    }
}

extension EntryInfo {
    /// One entry object at depth 3: every required member present, not null, of its type.
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var number: Int64?
        var strings: [String?] = Array(repeating: nil, count: Self.stringKeys.count)
        var rows: [PostingInfo]?
        var texts: [PersonalTextInfo]?
        try reader.members(Self.memberKeys, depth: 3) { (reader, index) throws(LedgerError) in
            switch index {
            case Self.stringKeys.count: number = try reader.integer()
            case Self.stringKeys.count + 1:
                var items: [PostingInfo] = []
                try reader.array(depth: 4) { (reader) throws(LedgerError) in
                    items.append(try PostingInfo(scanning: &reader))
                }
                rows = items
            case Self.stringKeys.count + 2:
                var items: [PersonalTextInfo] = []
                try reader.array(depth: 4) { (reader) throws(LedgerError) in
                    items.append(try PersonalTextInfo(scanning: &reader))
                }
                texts = items
            default: strings[index] = try reader.string()
            }
        }
        let values = strings.compactMap { $0 }
        guard let number, let rows, values.count == Self.stringKeys.count else { throw JSONPullReader.mismatch }
        seq = number
        (id, kind, keyId, payload) = (values[0], values[1], values[2], values[3])
        (signature, committedAt, prevHash, hash) = (values[4], values[5], values[6], values[7])
        postings = rows
        personal = texts
    }

    /// The members of an entry that are strings, in the order `init(scanning:)` assigns them.
    private static let stringKeys = [
        "id", "kind", "key_id", "payload", "signature", "committed_at", "prev_hash", "hash",
    ]

    /// Every member read: the strings first, then `seq`, `postings` and `personal`.
    private static let memberKeys = stringKeys + ["seq", "postings", "personal"]
}

extension PostingInfo {
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var account: String?
        var amount: Int64?
        var careDate: String?
        var idx: Int64?
        try reader.members(["account", "amount", "care_date", "idx"], depth: 5) { (reader, index) throws(LedgerError) in
            switch index {
            case 0: account = try reader.string()
            case 1: amount = try reader.integer()
            case 2: careDate = try reader.string()
            default: idx = try reader.integer()
            }
        }
        guard let account, let amount else { throw JSONPullReader.mismatch }
        self.init(account: account, amount: amount, careDate: careDate, idx: idx)
    }
}

extension PersonalTextInfo {
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var values: [String?] = [nil, nil, nil]
        try reader.members(["path", "salt", "text"], depth: 5) { (reader, index) throws(LedgerError) in
            values[index] = try reader.string()
        }
        guard let path = values[0], let salt = values[1], let text = values[2] else { throw JSONPullReader.mismatch }
        self.init(path: path, salt: salt, text: text)
    }
}
