package import NoaberCore

/// What `ledger.entries` answers a client that asked for a packed page (`EntriesParams.packed`):
/// the packed page from a daemon that writes one, the JSON page from a daemon before packed pages
/// (which ignores the param). Either is read here, so that a verify of an older daemon falls back
/// without a second request.
package enum EntriesAnswer: Sendable {
    case entries(EntriesResult)
    /// The packed page's bytes, its base64 undone, of `PackedEntries.version`.
    case packed([UInt8])

    /// An answer with `page` is packed (and has no `entries`), of the one version this client
    /// reads, in canonical base64.
    fileprivate static func packed(version: Int64?, page: String) -> EntriesAnswer? {
        guard version == Int64(PackedEntries.version), let bytes = EntryInfo.canonicalBase64(page) else { return nil }
        return .packed(bytes)
    }

    fileprivate static let unreadable =
        "result.page is not a packed page of version \(PackedEntries.version) alone"
}

extension EntriesAnswer: Decodable {
    package init(from decoder: any Decoder) throws {
        let members = try decoder.container(keyedBy: AnswerKey.self)
        guard let page = try members.decodeIfPresent(String.self, forKey: .page) else {
            self = .entries(try EntriesResult(from: decoder))
            return
        }
        let entriesAbsent = try !members.contains(.entries) || members.decodeNil(forKey: .entries)
        guard entriesAbsent,
            let answer = Self.packed(version: try members.decodeIfPresent(Int64.self, forKey: .packed), page: page)
        else {
            throw DecodingError.dataCorruptedError(forKey: .page, in: members, debugDescription: Self.unreadable)
        }
        self = answer
    }
}

extension EntriesAnswer: JSONTreeReadable {
    package init(tree: JSONTree) throws(TreeReadError) {
        let members = try TreeMembers(tree, path: "result")
        guard let page = try members.optionalString("page") else {
            self = .entries(try EntriesResult(tree: tree))
            return
        }
        guard members.optional("entries") == nil,
            let answer = Self.packed(version: try members.optionalInteger("packed"), page: page)
        else {
            throw TreeReadError(description: Self.unreadable)
        }
        self = answer
    }
}

extension EntriesAnswer: JSONLineScannable {
    /// Read in one pass as `init(tree:)` reads the tree: the first of twin members counts, a null
    /// member is an absent one, and anything else (an error answer, a member of another type, a
    /// page that is not one) is left to that way, which decides.
    package static func scan(line: [UInt8]) -> EntriesAnswer? {
        let read = scanAnswer(line) { (reader) throws(LedgerError) -> EntriesAnswer? in
            var entries: [EntryInfo]?
            var version: Int64?
            var page: String?
            try reader.members(["entries", "packed", "page"], depth: 1) { (reader, index) throws(LedgerError) in
                switch index {
                case 0:
                    var items: [EntryInfo] = []
                    try reader.array(depth: 2) { (reader) throws(LedgerError) in
                        items.append(try EntryInfo(scanning: &reader))
                    }
                    entries = items
                case 1: version = try reader.integer()
                default: page = try reader.string()
                }
            }
            if let page { return entries == nil ? packed(version: version, page: page) : nil }
            return entries.map { .entries(EntriesResult(entries: $0)) }
        }
        return read ?? nil
    }
}
