// A payload must mean exactly one thing to every reader. JSON parsers disagree on duplicate keys
// (Foundation keeps the first, Python the last), on unknown fields they skip, and on numbers like
// `1.5e3`. So after decoding, the payload's JSON tree must equal the tree of what was decoded:
// every key once, every field known at every depth, integers written plainly, no `null`.

/// A parsed JSON value; objects keep their keys only once (a duplicate is an error).
enum JSONTree: Equatable {
    case object([String: JSONTree])
    case array([JSONTree])
    case string(String)
    /// The number's text as written, so that `1500` and `1.5e3` differ.
    case number(String)
    case bool(Bool)
    case null
}

enum StrictJSON {
    /// Refuses `bytes` unless it is the same JSON tree as `canonical` (the decoded payload encoded
    /// again); the message names the first field that differs.
    static func requireSameStructure(_ bytes: [UInt8], as canonical: [UInt8]) throws(LedgerError) {
        let written = try parse(bytes)
        let understood = try parse(canonical)
        if let difference = firstDifference(written, understood, path: "") {
            throw .invalidPayload(difference)
        }
    }

    static func parse(_ bytes: [UInt8]) throws(LedgerError) -> JSONTree {
        var parser = Parser(bytes: bytes)
        let tree = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw .invalidPayload("trailing bytes after the JSON object") }
        return tree
    }

    private static func firstDifference(_ written: JSONTree, _ understood: JSONTree, path: String) -> String? {
        let name = path.isEmpty ? "the payload" : "field \"\(path)\""
        switch (written, understood) {
        case (.object(let a), .object(let b)):
            for key in a.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let other = b[key] else {
                    if case .null = a[key]! { return "field \"\(child)\" is null; omit it instead" }
                    return "field \"\(child)\" is not part of this kind of entry"
                }
                if let difference = firstDifference(a[key]!, other, path: child) { return difference }
            }
            return nil
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (i, (x, y)) in zip(a, b).enumerated() {
                if let difference = firstDifference(x, y, path: "\(path)[\(i)]") { return difference }
            }
            return nil
        case (.number, .number):
            return written == understood ? nil : "\(name) must be a plain integer like 1500"
        default:
            return written == understood ? nil : "\(name) is not written as Noaber reads it"
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0
        static let maxDepth = 32

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func malformed() -> LedgerError { .invalidPayload("malformed JSON at byte \(index)") }

        mutating func expect(_ byte: UInt8) throws(LedgerError) {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { throw malformed() }
            index += 1
        }

        mutating func value(depth: Int) throws(LedgerError) -> JSONTree {
            guard depth < Self.maxDepth else {
                throw .invalidPayload("JSON nested deeper than \(Self.maxDepth) levels")
            }
            skipSpace()
            guard index < bytes.count else { throw malformed() }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: JSONTree] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                repeat {
                    skipSpace()
                    let key = try string()
                    guard members[key] == nil else { throw .invalidPayload("field \"\(key)\" appears twice") }
                    try expect(UInt8(ascii: ":"))
                    members[key] = try value(depth: depth + 1)
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "}"))
                return .object(members)
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONTree] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                repeat {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "]"))
                return .array(items)
            case UInt8(ascii: "\""):
                return .string(try string())
            default:
                let start = index
                while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                switch text {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                case "": throw malformed()
                default: return .number(text)
                }
            }
        }

        /// After a member or item: true on `,`, false on the closing bracket.
        mutating func separator(closing: UInt8) throws(LedgerError) -> Bool {
            guard index < bytes.count else { throw malformed() }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: ",") { return true }
            if byte == closing { return false }
            throw malformed()
        }

        /// A string with its escapes decoded, so that `"a"` and `"\u0061"` are the same key.
        mutating func string() throws(LedgerError) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw malformed() }
            index += 1
            var scalars = String.UnicodeScalarView()
            var run = index
            var pendingHigh: UInt32?
            func flush(_ end: Int) {
                scalars.append(contentsOf: String(decoding: bytes[run..<end], as: UTF8.self).unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                flush(index)
                guard index + 1 < bytes.count else { throw malformed() }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count,
                        let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
                    else { throw malformed() }
                    index += 4
                    if (0xD800...0xDBFF).contains(unit) {
                        pendingHigh = unit
                    } else if (0xDC00...0xDFFF).contains(unit), let high = pendingHigh {
                        scalars.append(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))!)
                        pendingHigh = nil
                    } else if let scalar = Unicode.Scalar(unit) {
                        scalars.append(scalar)
                    } else {
                        throw malformed()
                    }
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
                default: throw malformed()
                }
                run = index
            }
            throw malformed()
        }
    }
}
