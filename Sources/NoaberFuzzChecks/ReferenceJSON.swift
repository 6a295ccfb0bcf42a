/// An independent reader of RFC 8259 JSON under I-JSON's rules (RFC 7493): UTF-8 only, no
/// duplicate member names, no lone surrogates, numbers only in the grammar's form. It is the
/// oracle `StrictJSON` is held to: what the strict reader accepts, every careful reader (Python's
/// `json`, Foundation) must read the same way, and this one reads it so.
enum ReferenceJSON: Equatable {
    case object([String: ReferenceJSON])
    case array([ReferenceJSON])
    /// The exact scalars, so that `"\u00e9"` and `"é"` are equal and a repaired byte is not.
    case string([Unicode.Scalar])
    case number(String)
    case bool(Bool)
    case null

    /// Why the bytes are not I-JSON, or the value.
    static func parse(_ bytes: [UInt8]) -> Result<ReferenceJSON, Refusal> {
        guard String(validating: bytes, as: UTF8.self) != nil else { return .failure(Refusal("not UTF-8")) }
        var reader = Reader(bytes: bytes)
        do throws(Refusal) {
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            guard reader.index == bytes.count else { throw Refusal("trailing bytes") }
            return .success(value)
        } catch { return .failure(error) }
    }

    struct Refusal: Error, Equatable {
        var why: String
        init(_ why: String) { self.why = why }
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func take(_ byte: UInt8) throws(Refusal) {
            guard peek() == byte else { throw Refusal("expected \(Unicode.Scalar(byte)) at \(index)") }
            index += 1
        }

        mutating func literal(_ word: String) throws(Refusal) {
            for byte in word.utf8 { try take(byte) }
        }

        mutating func value(depth: Int) throws(Refusal) -> ReferenceJSON {
            guard depth < 512 else { throw Refusal("too deep") }
            skipSpace()
            switch peek() {
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: ReferenceJSON] = [:]
                skipSpace()
                if peek() == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    let key = String(String.UnicodeScalarView(try string()))
                    guard members[key] == nil else { throw Refusal("duplicate member \(key)") }
                    skipSpace()
                    try take(UInt8(ascii: ":"))
                    members[key] = try value(depth: depth + 1)
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1 } else { break }
                }
                try take(UInt8(ascii: "}"))
                return .object(members)
            case UInt8(ascii: "["):
                index += 1
                var items: [ReferenceJSON] = []
                skipSpace()
                if peek() == UInt8(ascii: "]") {
                    index += 1
                    return .array(items)
                }
                while true {
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    if peek() == UInt8(ascii: ",") { index += 1 } else { break }
                }
                try take(UInt8(ascii: "]"))
                return .array(items)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try literal("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try literal("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try literal("null")
                return .null
            default: return .number(try number())
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(Refusal) -> String {
            let start = index
            func digits() throws(Refusal) -> Int {
                let from = index
                while let byte = peek(), (48...57).contains(byte) { index += 1 }
                guard index > from else { throw Refusal("digit expected at \(index)") }
                return index - from
            }
            if peek() == UInt8(ascii: "-") { index += 1 }
            let intStart = index
            let count = try digits()
            if count > 1, bytes[intStart] == UInt8(ascii: "0") { throw Refusal("leading zero") }
            if peek() == UInt8(ascii: ".") {
                index += 1
                _ = try digits()
            }
            if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
                index += 1
                if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
                _ = try digits()
            }
            return String(decoding: bytes[start..<index], as: UTF8.self)
        }

        mutating func hex4() throws(Refusal) -> UInt32 {
            guard index + 4 <= bytes.count else { throw Refusal("short \\u escape") }
            var value: UInt32 = 0
            for byte in bytes[index..<index + 4] {
                let digit: UInt8
                switch byte {
                case 48...57: digit = byte - 48
                case 97...102: digit = byte - 87
                case 65...70: digit = byte - 55
                default: throw Refusal("bad \\u escape")
                }
                value = value << 4 | UInt32(digit)
            }
            index += 4
            return value
        }

        mutating func string() throws(Refusal) -> [Unicode.Scalar] {
            try take(UInt8(ascii: "\""))
            var utf8: [UInt8] = []
            var scalars: [Unicode.Scalar] = []
            func flush() {
                scalars += String(decoding: utf8, as: UTF8.self).unicodeScalars
                utf8.removeAll()
            }
            while true {
                guard let byte = peek() else { throw Refusal("unterminated string") }
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    flush()
                    return scalars
                case 0..<0x20: throw Refusal("control character in a string")
                case UInt8(ascii: "\\"):
                    flush()
                    guard let escape = peek() else { throw Refusal("unterminated escape") }
                    index += 1
                    switch escape {
                    case UInt8(ascii: "u"):
                        let unit = try hex4()
                        if (0xDC00...0xDFFF).contains(unit) { throw Refusal("lone low surrogate") }
                        if (0xD800...0xDBFF).contains(unit) {
                            guard bytes[index...].starts(with: "\\u".utf8) else { throw Refusal("lone high surrogate") }
                            index += 2
                            let low = try hex4()
                            guard (0xDC00...0xDFFF).contains(low) else { throw Refusal("lone high surrogate") }
                            scalars.append(Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))!)
                        } else {
                            scalars.append(Unicode.Scalar(unit)!)
                        }
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                        scalars.append(Unicode.Scalar(escape))
                    default: throw Refusal("unknown escape")
                    }
                default: utf8.append(byte)
                }
            }
        }
    }
}
