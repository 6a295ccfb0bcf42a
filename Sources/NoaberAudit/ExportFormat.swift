package import NoaberProtocol

/// The formats `noaber export` writes. Only `jsonl` carries everything a verifier needs; the
/// others are for people and their tools.
package enum ExportFormat: String, Sendable, CaseIterable {
    /// A header line, then one `EntryInfo` object per line: the whole chain, verifiable offline.
    case jsonl
    /// One row per posting, for spreadsheets.
    case csv
    /// A journal that `hledger` reads; its balances equal Noaber's.
    case hledger
    /// A ledger that `bean-check` accepts; its balances equal Noaber's.
    case beancount
}

/// The first line of a jsonl export: what the entries that follow are checked against.
///
/// `state` is the daemon's stored derived state (settings, keys, accounts with balances), the
/// journal's row counts and the latest signed checkpoint, all read in one snapshot; the export then
/// holds entries 1…`state.head_seq`. An offline verify replays those entries and compares the
/// result with `state`, exactly as `noaber verify` does against a running daemon.
package struct ExportHeader: Codable, Sendable {
    package static let formatName = "noaber-export"
    package static let currentVersion = 1

    package var format: String
    package var version: Int
    /// When the export was made (RFC 3339, UTC).
    package var exportedAt: String
    package var state: StateResult
    /// Version 2 ledgers: `included` when the personal part follows the entries, `omitted` when it
    /// was left out (docs/FORMAT.md §13); absent for version 1, whose texts are in the payloads.
    package var personalData: String?

    package init(exportedAt: String, state: StateResult, personalData: String? = nil) {
        format = Self.formatName
        version = Self.currentVersion
        self.exportedAt = exportedAt
        self.state = state
        self.personalData = personalData
    }

    package static let personalIncluded = "included"
    package static let personalOmitted = "omitted"
}

/// The line that starts an export's personal part, and each line of it (docs/FORMAT.md §13).
package struct PersonalPartMarker: Codable, Sendable {
    package static let name = "personal-data"
    package var part: String
    package var count: Int

    package init(count: Int) {
        part = Self.name
        self.count = count
    }
}

package struct PersonalLine: Codable, Sendable {
    package var seq: Int64
    package var path: String
    package var salt: String
    package var text: String
}
