import Foundation

/// Named measurements, one `name value` line each, so that the Swift benchmark and the shell
/// steps of run.sh (import, verify, memory) add to one file that `noaber-bench targets` reads.
struct Figures {
    private(set) var values: [String: Double] = [:]

    subscript(name: String) -> Double? {
        get { values[name] }
        set { values[name] = newValue }
    }

    init() {}

    init(contentsOf path: String) throws {
        for line in try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            values[String(parts[0])] = value
        }
    }

    func append(to path: String) throws {
        let text = values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)\n" }.joined()
        guard let handle = FileHandle(forWritingAtPath: path) else {
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            return
        }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }
}
