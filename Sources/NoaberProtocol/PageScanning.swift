import NoaberCore

// A page of `ledger.entries` read from its answer line in one pass (`JSONPullReader`), with no
// dictionary per object: through `StrictJSON.parse` and `JSONTreeReadable` a credits page built
// a dictionary for each of its thousands of personal texts only to read three members of each.
// The pass accepts only what that way accepts, and reads the same values from it
// (`PageAnswersTests`); whatever it does not take, the caller reads that way, which then decides.

/// A result read straight from its answer line; nil whenever the line is not the plain success
/// of this shape (an error answer, a value of another type, anything malformed).
package protocol JSONLineScannable: JSONTreeReadable {
    static func scan(line: [UInt8]) -> Self?
}

extension EntriesResult: JSONLineScannable {
    package static func scan(line: [UInt8]) -> EntriesResult? {
        var reader = JSONPullReader(line)
        var entries: [EntryInfo]?
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
                    entries = try scanResult(&reader)
                }
            }
            try reader.end()
        } catch { return nil }
        guard !failed, let entries else { return nil }
        return EntriesResult(entries: entries)
    }

    private static func scanResult(_ reader: inout JSONPullReader) throws(LedgerError) -> [EntryInfo] {
        var entries: [EntryInfo]?
        try reader.object(depth: 1) { (reader, key) throws(LedgerError) in
            guard key == "entries", entries == nil else { return try reader.skip(depth: 2) }
            guard !(try reader.null()) else { throw JSONPullReader.mismatch }
            var items: [EntryInfo] = []
            try reader.array(depth: 2) { (reader) throws(LedgerError) in items.append(try EntryInfo(scanning: &reader))
            }
            entries = items
        }
        guard let entries else { throw JSONPullReader.mismatch }
        return entries
    }
}

extension EntryInfo {
    /// One entry object at depth 3: every required member present, not null, of its type.
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var number: Int64?
        var strings: [String?] = Array(repeating: nil, count: Self.stringKeys.count)
        var rows: [PostingInfo]?
        var texts: [PersonalTextInfo]?
        var seen: UInt16 = 0
        try reader.object(depth: 3) { (reader, key) throws(LedgerError) in
            let bit = Self.memberBit(key)
            guard let bit, seen & bit == 0 else { return try reader.skip(depth: 4) }
            seen |= bit
            guard !(try reader.null()) else { return }
            switch key {
            case "seq": number = try reader.integer()
            case "postings":
                var items: [PostingInfo] = []
                try reader.array(depth: 4) { (reader) throws(LedgerError) in
                    items.append(try PostingInfo(scanning: &reader))
                }
                rows = items
            case "personal":
                var items: [PersonalTextInfo] = []
                try reader.array(depth: 4) { (reader) throws(LedgerError) in
                    items.append(try PersonalTextInfo(scanning: &reader))
                }
                texts = items
            default: strings[Self.stringKeys.firstIndex(of: key)!] = try reader.string()
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

    /// A bit for each member read, so that a twin is skipped (the first counts); nil: not read.
    private static func memberBit(_ key: String) -> UInt16? {
        switch key {
        case "seq": 1 << 8
        case "postings": 1 << 9
        case "personal": 1 << 10
        default: stringKeys.firstIndex(of: key).map { 1 << UInt16($0) }
        }
    }
}

extension PostingInfo {
    init(scanning reader: inout JSONPullReader) throws(LedgerError) {
        var account: String?
        var amount: Int64?
        var careDate: String?
        var idx: Int64?
        var seen: UInt8 = 0
        try reader.object(depth: 5) { (reader, key) throws(LedgerError) in
            let bit: UInt8? =
                switch key {
                case "account": 1
                case "amount": 2
                case "care_date": 4
                case "idx": 8
                default: nil
                }
            guard let bit, seen & bit == 0 else { return try reader.skip(depth: 6) }
            seen |= bit
            guard !(try reader.null()) else { return }
            switch bit {
            case 1: account = try reader.string()
            case 2: amount = try reader.integer()
            case 4: careDate = try reader.string()
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
        var seen: UInt8 = 0
        try reader.object(depth: 5) { (reader, key) throws(LedgerError) in
            let place: Int? =
                switch key {
                case "path": 0
                case "salt": 1
                case "text": 2
                default: nil
                }
            guard let place, seen & (1 << place) == 0 else { return try reader.skip(depth: 6) }
            seen |= 1 << place
            guard !(try reader.null()) else { return }
            values[place] = try reader.string()
        }
        guard let path = values[0], let salt = values[1], let text = values[2] else { throw JSONPullReader.mismatch }
        self.init(path: path, salt: salt, text: text)
    }
}
