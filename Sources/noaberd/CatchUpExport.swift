import NoaberAudit
import NoaberCore
import NoaberServer

/// Reads, from a jsonl export of a newer copy of the chain (`noaber export --format jsonl`), the
/// entries a restored backup lacks, with their personal texts where the export has them.
enum CatchUpExport {
    static func entries(path: String, after: Int64, through: Int64) throws -> [CatchUpEntry] {
        let reader = try ExportReader(path: path)
        let header = try reader.header()
        var wanted: [StoredEntry] = []
        while true {
            let page = try reader.nextPage()
            if page.isEmpty { break }
            wanted += page.filter { $0.entry.seq > after && $0.entry.seq <= through }
        }
        var texts: [Int64: [PersonalText]] = [:]
        if header.personalData == ExportHeader.personalIncluded {
            for (seq, text) in try reader.personalTexts() where seq > after && seq <= through {
                texts[seq, default: []].append(text)
            }
        }
        return wanted.map { CatchUpEntry(stored: $0, personal: texts[$0.entry.seq] ?? []) }
    }
}
