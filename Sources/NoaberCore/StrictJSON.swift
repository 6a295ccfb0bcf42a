// A payload must mean exactly one thing to every reader. JSON parsers disagree on duplicate keys
// (Foundation keeps the first, Python the last), on unknown fields they skip, and on numbers like
// `1.5e3`. So after decoding, the payload's JSON tree must equal the tree of what was decoded:
// every key once, every field known at every depth, integers written plainly, no `null`.

package enum StrictJSON {
    /// For JSON that is not a payload (the lines of an export, docs/FORMAT.md §13): nil when
    /// `bytes` is the same JSON tree as `canonical`, else what differs first, naming the field by
    /// its path; `subject` is what the JSON is, for a field that is not part of it.
    package static func difference(_ bytes: [UInt8], from canonical: [UInt8], subject: String) -> String? {
        do {
            let written = try parse(bytes)
            return firstDifference(written, try parse(canonical), path: "", subject: subject)
        } catch {
            if case .invalidPayload(let reason) = error { return reason }
            return "\(error)"
        }
    }

    /// Like `difference(_:from:subject:)` against a shape rather than a second document, in one
    /// pass that builds no value but the keys: for the many lines of an export.
    package static func difference(_ bytes: [UInt8], shape: JSONShape, subject: String) -> String? {
        guard String(validating: bytes, as: UTF8.self) != nil else { return "the line is not UTF-8" }
        var parser = Parser(bytes: bytes)
        do {
            try parser.check(shape, path: "", subject: subject, depth: 0)
            parser.skipSpace()
            guard parser.index == bytes.count else { return "trailing bytes after the JSON object" }
            return nil
        } catch {
            if case .invalidPayload(let reason) = error { return reason }
            return "\(error)"
        }
    }

    /// Parses `bytes` as one JSON value. A member named twice is refused, and so is a lone
    /// surrogate, unless `lenient`, which reads a line as `JSONDecoder` does: the first of two
    /// members stays, and a string with a lone surrogate is `unreadableString` (for a request
    /// line, whose outer twins are refused by name once its id is known).
    package static func parse(_ bytes: [UInt8], lenient: Bool = false) throws(LedgerError) -> JSONTree {
        var parser = Parser(bytes: bytes, lenient: lenient)
        let tree = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw .invalidPayload(trailingBytes) }
        return tree
    }

    /// How `parse` names bytes that are not JSON at all, as against JSON that is ambiguous.
    static let malformedPrefix = "malformed JSON at byte"
    static let trailingBytes = "trailing bytes after the JSON object"

    /// Whether `error` says the bytes are not JSON (rather than ambiguous JSON: a twice-named
    /// member, a lone surrogate, a raw control character, bytes that are not UTF-8, deep nesting).
    static func isMalformed(_ error: LedgerError) -> Bool {
        guard case .invalidPayload(let why) = error else { return false }
        return why.hasPrefix(malformedPrefix) || why == trailingBytes
    }

    struct Parser {
        let bytes: [UInt8]
        var lenient = false
        var index = 0
        static let maxDepth = 32

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        func malformed() -> LedgerError { .invalidPayload("\(StrictJSON.malformedPrefix) \(index)") }

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
                    let twin = members[key] != nil
                    guard !twin || lenient else { throw .invalidPayload("field \"\(key)\" appears twice") }
                    try expect(UInt8(ascii: ":"))
                    let item = try value(depth: depth + 1)
                    if !twin { members[key] = item }
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
                guard lenient else { return .string(try string()) }
                let start = index
                do { return .string(try string()) } catch {
                    guard case .invalidPayload(let why) = error, why.hasPrefix("a lone surrogate") else { throw error }
                    index = start
                    try skipString(checkingSurrogates: false)
                    return .unreadableString
                }
            default:
                let start = index
                while index < bytes.count, !",]} \t\r\n".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                switch text {
                case "true": return .bool(true)
                case "false": return .bool(false)
                case "null": return .null
                default:
                    // Kept as written, so that `1500` and `1.5e3` differ; but only JSON's numbers.
                    guard Self.isNumber(bytes[start..<index]) else { throw malformed() }
                    return .number(text)
                }
            }
        }

        /// Walks one value of `shape`: an object holds only its fields, each once, and no value is
        /// `null` or of another type; a number is a plain integer.
        mutating func check(_ shape: JSONShape, path: String, subject: String, depth: Int) throws(LedgerError) {
            guard depth < Self.maxDepth else {
                throw .invalidPayload("JSON nested deeper than \(Self.maxDepth) levels")
            }
            skipSpace()
            guard index < bytes.count else { throw malformed() }
            let name = path.isEmpty ? "the line" : "field \"\(path)\""
            let byte = bytes[index]
            if byte == UInt8(ascii: "n") { throw .invalidPayload("\(name) is null; omit it instead") }
            switch shape {
            case .object(let fields):
                guard byte == UInt8(ascii: "{") else { throw .invalidPayload("\(name) is not an object") }
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return
                }
                var seen: [String] = []
                repeat {
                    skipSpace()
                    let key = try string()
                    // The path is built only for a message: an export has thousands of lines to check.
                    func child() -> String { path.isEmpty ? key : "\(path).\(key)" }
                    guard !seen.contains(key) else { throw .invalidPayload("field \"\(child())\" appears twice") }
                    seen.append(key)
                    guard let field = fields[key] else {
                        throw .invalidPayload("field \"\(child())\" is not part of \(subject)")
                    }
                    try expect(UInt8(ascii: ":"))
                    try check(field, path: path.isEmpty ? key : "\(path).\(key)", subject: subject, depth: depth + 1)
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "}"))
            case .array(let item):
                guard byte == UInt8(ascii: "[") else { throw .invalidPayload("\(name) is not an array") }
                index += 1
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return
                }
                var count = 0
                repeat {
                    try check(item, path: "\(path)[\(count)]", subject: subject, depth: depth + 1)
                    count += 1
                    skipSpace()
                } while try separator(closing: UInt8(ascii: "]"))
            case .string:
                guard byte == UInt8(ascii: "\"") else { throw .invalidPayload("\(name) is not a string") }
                try skipString()
            case .integer:
                let start = index
                while index < bytes.count, bytes[index] == UInt8(ascii: "-") || (48...57).contains(bytes[index]) {
                    index += 1
                }
                guard Self.isPlainInteger(bytes[start..<index]) else {
                    throw .invalidPayload("\(name) must be a plain integer like 1500")
                }
            }
        }

        /// `-?(0|[1-9][0-9]*)`, as docs/FORMAT.md §2 writes every integer.
        static func isPlainInteger(_ text: ArraySlice<UInt8>) -> Bool {
            var digits = text
            if digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
            guard let first = digits.first, digits.allSatisfy({ (48...57).contains($0) }) else { return false }
            // No leading zero, and no `-0`.
            return first != UInt8(ascii: "0") || (digits.count == 1 && digits.count == text.count)
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, RFC 8259 §6.
        static func isNumber(_ text: ArraySlice<UInt8>) -> Bool {
            var rest = text
            func digits() -> Int {
                let count = rest.prefix(while: { (48...57).contains($0) }).count
                rest = rest.dropFirst(count)
                return count
            }
            if rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
            let integer = rest
            let count = digits()
            guard count > 0, count == 1 || integer.first != UInt8(ascii: "0") else { return false }
            if rest.first == UInt8(ascii: ".") {
                rest = rest.dropFirst()
                guard digits() > 0 else { return false }
            }
            if rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") {
                rest = rest.dropFirst()
                if rest.first == UInt8(ascii: "+") || rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
                guard digits() > 0 else { return false }
            }
            return rest.isEmpty
        }

        /// Past a string, checking it as `string()` does (escapes, surrogate pairs, no control
        /// character) without building it; the caller has checked that the bytes are UTF-8.
        mutating func skipString(checkingSurrogates: Bool = true) throws(LedgerError) {
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    index += 1
                    return
                case UInt8(ascii: "\\"):
                    guard index + 1 < bytes.count else { throw malformed() }
                    if bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        if checkingSurrogates { try skipUnicodeEscape() } else { _ = try hexUnit() }
                        continue
                    }
                    guard "\"\\/bfnrt".utf8.contains(bytes[index + 1]) else { throw malformed() }
                    index += 2
                case 0..<0x20:
                    throw .invalidPayload("a control character is written raw in a string at byte \(index)")
                default:
                    index += 1
                }
            }
            throw malformed()
        }

        /// The four hex digits after `\\u` (and a low surrogate's after a high one).
        mutating func skipUnicodeEscape() throws(LedgerError) {
            let unit = try hexUnit()
            if (0xDC00...0xDFFF).contains(unit) { throw loneSurrogate() }
            guard (0xD800...0xDBFF).contains(unit) else { return }
            guard bytes[index...].starts(with: "\\u".utf8) else { throw loneSurrogate() }
            index += 2
            guard (0xDC00...0xDFFF).contains(try hexUnit()) else { throw loneSurrogate() }
        }

        func loneSurrogate() -> LedgerError {
            .invalidPayload("a lone surrogate (\\uD800 to \\uDFFF without its pair) at byte \(index)")
        }

        /// Four hex digits as a UTF-16 unit.
        mutating func hexUnit() throws(LedgerError) -> UInt32 {
            guard index + 4 <= bytes.count,
                bytes[index..<index + 4].allSatisfy({ (48...57).contains($0) || (65...70).contains($0 & 0xDF) }),
                let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw malformed() }
            index += 4
            return unit
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

        /// Most strings (a request's base64 payload above all) hold no escape: one validation and
        /// one copy, from just after the opening quote. Nil, having taken nothing, for anything
        /// else, errors included, which `string()` reads its longer way.
        mutating func plainString() -> String? {
            var end = index
            var ascii = true
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"),
                bytes[end] >= 0x20
            {
                if bytes[end] >= 0x80 { ascii = false }
                end += 1
            }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
            // ASCII is UTF-8 as it stands: `String(validating:)`, not specialised for these bytes,
            // looks up its generic metadata on every call (a verify reads millions).
            let text =
                ascii
                ? String(decoding: bytes[index..<end], as: UTF8.self)
                : String(validating: bytes[index..<end], as: UTF8.self)
            if text != nil { index = end + 1 }
            return text
        }

        /// A string with its escapes decoded, so that `"a"` and `"\u0061"` are the same key.
        mutating func string() throws(LedgerError) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw malformed() }
            index += 1
            if let text = plainString() { return text }
            var decoded = ""
            var run = index
            // Bytes that are not UTF-8 would be patched over with U+FFFD here, and read otherwise
            // by Python (an error); so they are refused, as raw control characters are.
            func flush(_ end: Int) throws(LedgerError) {
                guard let text = String(validating: bytes[run..<end], as: UTF8.self) else {
                    throw .invalidPayload("a string holds bytes that are not UTF-8 before byte \(end)")
                }
                decoded.append(text)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    try flush(index)
                    index += 1
                    return decoded
                }
                if byte < 0x20 {
                    throw .invalidPayload("a control character is written raw in a string at byte \(index)")
                }
                guard byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                try flush(index)
                guard index + 1 < bytes.count else { throw malformed() }
                let escape = bytes[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "u"):
                    // A high surrogate must be followed by its low one: readers disagree on a lone
                    // one (an error, U+FFFD, or dropped), so it would mean two things.
                    let unit = try hexUnit()
                    if (0xDC00...0xDFFF).contains(unit) { throw loneSurrogate() }
                    if (0xD800...0xDBFF).contains(unit) {
                        guard bytes[index...].starts(with: "\\u".utf8) else { throw loneSurrogate() }
                        index += 2
                        let low = try hexUnit()
                        guard (0xDC00...0xDFFF).contains(low) else { throw loneSurrogate() }
                        decoded.unicodeScalars.append(
                            Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                    } else {
                        decoded.unicodeScalars.append(Unicode.Scalar(unit)!)
                    }
                case UInt8(ascii: "n"): decoded.unicodeScalars.append("\n")
                case UInt8(ascii: "t"): decoded.unicodeScalars.append("\t")
                case UInt8(ascii: "r"): decoded.unicodeScalars.append("\r")
                case UInt8(ascii: "b"): decoded.unicodeScalars.append("\u{08}")
                case UInt8(ascii: "f"): decoded.unicodeScalars.append("\u{0C}")
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    decoded.unicodeScalars.append(Unicode.Scalar(escape))
                default: throw malformed()
                }
                run = index
            }
            throw malformed()
        }
    }
}
