import ArgumentParser
import Foundation
import Glibc
import NoaberCore

/// A `gen_workload.py --format jsonl` file, read a line at a time: a million-transaction workload
/// is some 115 MB of text, which the benchmark should not hold beside the daemon it measures.
final class WorkloadFile {
    private let file: UnsafeMutablePointer<FILE>
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    init(path: String) throws {
        guard let file = fopen(path, "r") else {
            throw ValidationError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
    }

    deinit {
        free(buffer)
        fclose(file)
    }

    /// The next non-empty line, without its newline; nil at the end of the file.
    func next() -> String? {
        while true {
            let length = getline(&buffer, &capacity, file)
            guard length > 0, let buffer else { return nil }
            var bytes = UnsafeRawBufferPointer(start: buffer, count: length)
            if bytes.last == UInt8(ascii: "\n") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
            if !bytes.isEmpty { return String(decoding: bytes, as: UTF8.self) }
        }
    }

    /// Up to `count` next lines; empty at the end of the file.
    func next(_ count: Int) -> [String] {
        var lines: [String] = []
        while lines.count < count, let line = next() { lines.append(line) }
        return lines
    }

    /// One pass over the file at `path`: every account it names, with the kind its first use
    /// implies, the number of transactions, and the first credit (whose volunteer the read
    /// benchmark reads).
    static func survey(
        _ path: String
    ) throws -> (
        accounts: [String: AccountKind], count: Int, firstCredit: Workload.Line?
    ) {
        let file = try WorkloadFile(path: path)
        var accounts: [String: AccountKind] = [:]
        var count = 0
        var firstCredit: Workload.Line?
        while let text = file.next() {
            let line = try JSONDecoder().decode(Workload.Line.self, from: Data(text.utf8))
            accounts[line.from] = line.kind == "credit" ? .issuer : .member
            accounts[line.to] = line.kind == "redeem" ? .merchant : .member
            if firstCredit == nil, line.kind == "credit" { firstCredit = line }
            count += 1
        }
        return (accounts, count, firstCredit)
    }
}
