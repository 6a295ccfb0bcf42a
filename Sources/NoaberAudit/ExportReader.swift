import Dispatch
import Foundation
public import NoaberCore
import NoaberProtocol

/// Reads a jsonl export (see `ExportHeader`) in pages, holding one page in memory at a time;
/// the lines of a page are decoded on every core.
public final class ExportReader {
    public let path: String
    private let handle: FileHandle
    private var buffer = Data()
    private var atEnd = false
    /// Lines read so far, for error messages.
    public private(set) var lineNumber = 0
    private var lastSeq: Int64 = 0

    public init(path: String) throws(VerificationFailure) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw VerificationFailure(seq: nil, reason: "cannot open \(path)")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The first line. A file that does not start with a Noaber export header is refused.
    public func header() throws(VerificationFailure) -> ExportHeader {
        guard let line = nextLine() else { throw VerificationFailure(seq: nil, reason: "\(path) is empty") }
        let header: ExportHeader
        do { header = try RPCCoding.decoder().decode(ExportHeader.self, from: line) } catch {
            throw VerificationFailure(seq: nil, reason: "line 1 of \(path) is not a Noaber export header")
        }
        guard header.format == ExportHeader.formatName, header.version == ExportHeader.currentVersion else {
            throw VerificationFailure(
                seq: nil, reason: "\(path) is format \(header.format) version \(header.version); this noaber reads \(ExportHeader.formatName) version \(ExportHeader.currentVersion)")
        }
        return header
    }

    /// Up to `limit` entries; empty at the end of the file. A line that is not an entry fails at
    /// the entry it should have been.
    public func nextPage(limit: Int = 2000) throws(VerificationFailure) -> [StoredEntry] {
        var lines: [(number: Int, data: Data)] = []
        while lines.count < limit, let line = nextLine() {
            if line.isEmpty { continue }
            lines.append((lineNumber, line))
        }
        let decoded = Self.decode(lines.map(\.data))
        var page: [StoredEntry] = []
        page.reserveCapacity(lines.count)
        for (line, info) in zip(lines, decoded) {
            guard let info else {
                throw VerificationFailure(seq: lastSeq + 1, reason: "line \(line.number) of \(path) is not an entry")
            }
            do { page.append(try info.storedEntry()) } catch {
                throw VerificationFailure(seq: info.seq, reason: "line \(line.number): \(error.reason)")
            }
            lastSeq = info.seq
        }
        return page
    }

    private static func decode(_ lines: [Data]) -> [EntryInfo?] {
        let slots = UnsafeMutablePointer<EntryInfo?>.allocate(capacity: max(lines.count, 1))
        slots.initialize(repeating: nil, count: max(lines.count, 1))
        defer {
            slots.deinitialize(count: max(lines.count, 1))
            slots.deallocate()
        }
        let chunks = max(1, min(lines.count, ProcessInfo.processInfo.activeProcessorCount * 2))
        // Each chunk writes only its own slots, and all reads follow concurrentPerform's return.
        let shared = UncheckedPointer(slots)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let decoder = RPCCoding.decoder()
            for index in (lines.count * chunk / chunks)..<(lines.count * (chunk + 1) / chunks) {
                shared.pointer[index] = try? decoder.decode(EntryInfo.self, from: lines[index])
            }
        }
        return (0..<lines.count).map { slots[$0] }
    }

    private func nextLine() -> Data? {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer = buffer[(newline + 1)...]
                lineNumber += 1
                return Data(line)
            }
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = Data() }
                lineNumber += 1
                return Data(buffer)
            }
            let chunk = (try? handle.read(upToCount: 1 << 20)) ?? nil
            if let chunk, !chunk.isEmpty { buffer.append(chunk) } else { atEnd = true }
        }
    }
}

private struct UncheckedPointer<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}
