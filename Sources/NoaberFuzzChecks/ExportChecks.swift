import Foundation
import NoaberAudit
import NoaberCore

/// The jsonl export reader (`noaber verify --file`): a file it reads to the end holds only I-JSON
/// lines, and a refusal that names a line names one the file has.
enum ExportChecks {
    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        let lineCount = bytes.last == 0x0A ? lines.count - 1 : lines.count
        do throws(VerificationFailure) {
            // The bytes themselves, not a file: the reader's refills are the same code either way,
            // and a file per input held the fuzzer to a few inputs a second.
            let reader = ExportReader(bytes: bytes, name: "export.jsonl")
            let header = try reader.header()
            var pages = 0
            // Pages under `Parallel.smallestSplit` lines are decoded on this thread, so a run is
            // the reader's work alone, without worker threads (whose allocations outlive a run and
            // would send libFuzzer's leak check after every input); and an input spans pages.
            while try !reader.nextPage(limit: Parallel.smallestSplit - 1).isEmpty { pages += 1 }
            if header.personalData == "included" { _ = try reader.personalTexts() }
        } catch {
            try requireLineExists(error.reason, lineCount: lineCount)
            return
        }
        for (number, line) in lines.enumerated() where !line.isEmpty {
            if case .failure(let refusal) = ReferenceJSON.parse(Array(line)) {
                throw FuzzFinding("line \(number + 1) was read though it is not I-JSON: \(refusal.why)")
            }
        }
    }

    /// Every `line N` in `reason` is a line of the file.
    private static func requireLineExists(_ reason: String, lineCount: Int) throws(FuzzFinding) {
        var rest = reason[...]
        while let range = rest.range(of: "line ") {
            rest = rest[range.upperBound...]
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard let number = Int(digits) else { continue }
            try require(
                (1...max(1, lineCount + 1)).contains(number),
                "the refusal names line \(number) of a file of \(lineCount) lines: \(reason)")
        }
    }
}
