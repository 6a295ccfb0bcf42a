import Foundation
import NoaberAudit
import NoaberCore
import NoaberProtocol
import Testing

/// The reader over bytes (the fuzzer's) and over a file (`noaber verify --file`'s) are one reader:
/// the same pages from the same export, the same refusal of the same fault.
@Suite struct ExportReaderTests {
    static func export(personalData: String? = nil) throws -> [UInt8] {
        let ledger = try ExportFixture.walkthrough()
        let state = StateResult(
            headSeq: 8, rows: JournalRows(entries: 8, postings: 6), ledger: nil, keys: [], accounts: [],
            checkpoint: nil)
        var writer = JSONLinesWriter(
            header: ExportHeader(exportedAt: "2026-11-24T08:00:00.000Z", state: state, personalData: personalData))
        return Array(try writer.export(ledger.entries).utf8)
    }

    static func pages(_ reader: ExportReader) throws -> [[StoredEntry]] {
        _ = try reader.header()
        var pages: [[StoredEntry]] = []
        while case let page = try reader.nextPage(limit: 3), !page.isEmpty { pages.append(page) }
        return pages
    }

    static func refusal(_ reader: ExportReader) -> String? {
        do {
            _ = try pages(reader)
            return nil
        } catch {
            return (error as? VerificationFailure)?.reason
        }
    }

    @Test func bytesAndFileGiveTheSamePages() throws {
        let bytes = try Self.export()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID()).jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = try Self.pages(try ExportReader(path: path))
        let fromBytes = try Self.pages(ExportReader(bytes: bytes, name: path))
        #expect(fromFile.map(\.count) == [3, 3, 2])
        #expect(fromBytes == fromFile)
    }

    @Test func bytesAndFileRefuseTheSameLine() throws {
        var lines = try Self.export().split(separator: 0x0A).map(Array.init)
        lines[4] = Array(lines[4].dropLast(3))
        let bytes = Array(lines.joined(separator: [0x0A]))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("reader-\(UUID()).jsonl").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fromFile = Self.refusal(try ExportReader(path: path))
        #expect(fromFile == "line 5 of \(path) is not an entry")
        #expect(Self.refusal(ExportReader(bytes: bytes, name: path)) == fromFile)
    }

    /// Found by the fuzzer: a header with `"personal_data": "iAcluded"` left the personal part
    /// unread, so its lines went unchecked and the export still verified.
    @Test func anUnknownPersonalDataWordIsRefused() throws {
        let bytes = try Self.export(personalData: "iAcluded")
        #expect(
            Self.refusal(ExportReader(bytes: bytes, name: "x.jsonl"))
                == "line 1 of x.jsonl (the header): personal_data is \"iAcluded\", not \"included\" or \"omitted\"")
    }

    @Test func aPersonalPartTheHeaderDoesNotAnnounceIsRefused() throws {
        for personalData in [nil, ExportHeader.personalOmitted] {
            let bytes =
                try Self.export(personalData: personalData)
                + Array(#"{"count":1,"part":"personal-data"}"#.utf8) + [0x0A]
                + Array(#"{"path":"memo","salt":"00","seq":4,"text":"x"."#.utf8) + [0x0A]
            #expect(
                Self.refusal(ExportReader(bytes: bytes, name: "x.jsonl"))
                    == "line 10 of x.jsonl starts a personal part that its header does not announce")
        }
    }
}
