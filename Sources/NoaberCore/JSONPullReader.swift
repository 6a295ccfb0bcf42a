/// Reads one JSON value member by member, for answers read by the thousand (a verify's pages),
/// without building a `JSONTree` of dictionaries first: the caller asks for the members it knows,
/// and every other value is walked and dropped. It takes the bytes by `StrictJSON`'s own rules
/// (`parse(_:lenient: true)`: the same syntax, escapes, UTF-8, depth and trailing bytes), and a
/// reader of a known shape refuses whatever does not fit it; such a caller then reads the line the
/// slow way, so that the two ways cannot disagree on what is accepted.
package struct JSONPullReader {
    var parser: StrictJSON.Parser

    /// `lenient`: read as an answer line is (`parse(_:lenient:)`); a payload's reader is strict.
    package init(_ bytes: [UInt8], lenient: Bool = true) { parser = StrictJSON.Parser(bytes: bytes, lenient: lenient) }

    /// Why the value read is not of the shape asked for.
    package static let mismatch = LedgerError.invalidPayload("the value is not of the shape read")

    /// The next byte that is not white space, without taking it.
    package mutating func peek() throws(LedgerError) -> UInt8 {
        parser.skipSpace()
        guard parser.index < parser.bytes.count else { throw parser.malformed() }
        return parser.bytes[parser.index]
    }

    /// Calls `member` with each key of the object that comes next, the reader standing before
    /// the key's value, which `member` must read or skip. `depth` is the object's own.
    package mutating func object(
        depth: Int, _ member: (inout JSONPullReader, String) throws(LedgerError) -> Void
    ) throws(LedgerError) {
        guard depth < StrictJSON.Parser.maxDepth, try peek() == UInt8(ascii: "{") else { throw Self.mismatch }
        parser.index += 1
        guard try peek() != UInt8(ascii: "}") else {
            parser.index += 1
            return
        }
        repeat {
            parser.skipSpace()
            let key = try parser.string()
            try parser.expect(UInt8(ascii: ":"))
            try member(&self, key)
            parser.skipSpace()
        } while try parser.separator(closing: UInt8(ascii: "}"))
    }

    /// Reads the object that comes next as the tree decoder reads a lenient tree: `read` gets the
    /// index in `keys` of each member named there, the reader standing before its value; the
    /// first of twin members counts, a null member is an absent one, and every other member is
    /// walked and dropped. `depth` is the object's own; at most 64 keys.
    package mutating func members(
        _ keys: [String], depth: Int, _ read: (inout JSONPullReader, Int) throws(LedgerError) -> Void
    ) throws(LedgerError) {
        var seen: UInt64 = 0
        try object(depth: depth) { (reader, key) throws(LedgerError) in
            guard let index = keys.firstIndex(of: key), seen & (1 << index) == 0 else {
                return try reader.skip(depth: depth + 1)
            }
            seen |= 1 << index
            guard !(try reader.null()) else { return }
            try read(&reader, index)
        }
    }

    /// Calls `item` for each item of the array that comes next; `depth` is the array's own.
    package mutating func array(
        depth: Int, _ item: (inout JSONPullReader) throws(LedgerError) -> Void
    ) throws(LedgerError) {
        guard depth < StrictJSON.Parser.maxDepth, try peek() == UInt8(ascii: "[") else { throw Self.mismatch }
        parser.index += 1
        guard try peek() != UInt8(ascii: "]") else {
            parser.index += 1
            return
        }
        repeat {
            try item(&self)
            parser.skipSpace()
        } while try parser.separator(closing: UInt8(ascii: "]"))
    }

    /// Takes a `null` if one comes next: an optional member that is null is absent.
    package mutating func null() throws(LedgerError) -> Bool {
        guard try peek() == UInt8(ascii: "n") else { return false }
        guard case .null = try parser.value(depth: 0) else { throw parser.malformed() }
        return true
    }

    package mutating func string() throws(LedgerError) -> String {
        guard try peek() == UInt8(ascii: "\"") else { throw Self.mismatch }
        return try parser.string()
    }

    /// An integer written as `Int64` reads it (`JSONDecoder`'s and `TreeMembers.integer`'s rule).
    package mutating func integer() throws(LedgerError) -> Int64 {
        if let value = plainInteger() { return value }
        guard case .number(let literal) = try parser.value(depth: 0), let value = Int64(literal) else {
            throw Self.mismatch
        }
        return value
    }

    /// `-?(0|[1-9][0-9]*)` that fits in `Int64` and ends where a number ends, read in place (no
    /// literal text first); nil, having taken nothing, for anything else, which `value` judges.
    private mutating func plainInteger() -> Int64? {
        let bytes = parser.bytes
        var at = parser.index
        let negative = at < bytes.count && bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        let start = at
        var value: Int64 = 0
        while at < bytes.count, (48...57).contains(bytes[at]) {
            let digit = Int64(bytes[at] - 48)
            let (times, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, past) =
                negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !overflow, !past else { return nil }
            value = sum
            at += 1
        }
        guard at > start, bytes[start] != UInt8(ascii: "0") || at == start + 1 else { return nil }
        if at < bytes.count {
            switch bytes[at] {
            case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D: break
            default: return nil
            }
        }
        parser.index = at
        return value
    }

    /// Walks a value it does not read, checking it as `parse` would; `depth` is the value's own.
    package mutating func skip(depth: Int) throws(LedgerError) { _ = try parser.value(depth: depth) }

    /// After the value: nothing but white space may follow.
    package mutating func end() throws(LedgerError) {
        parser.skipSpace()
        guard parser.index == parser.bytes.count else { throw .invalidPayload(StrictJSON.trailingBytes) }
    }
}
