import Foundation

/// Finds the bytes of a request's top-level `params` value exactly as they stand in the line, for
/// a read authorisation, which signs those bytes and not a re-encoding of them.
///
/// The line has already been read as JSON, so this only walks it: strings (with their escapes),
/// nesting, and the members of the outer object. A member named `params` with escapes in its name,
/// or named twice, is not found, so its authorisation fails: fail closed, never guess.
enum ParamsSpan {
    /// The value's bytes; empty when the request has no `params`; nil when it has two.
    static func find(in line: [UInt8]) -> ArraySlice<UInt8>? {
        var index = 0
        skipSpace(line, &index)
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return [] }
        index += 1
        var found: ArraySlice<UInt8> = []
        var seen = false
        while true {
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: "\"") else { return found }
            let nameStart = index + 1
            skipValue(line, &index)
            let name = line[nameStart..<max(nameStart, index - 1)]
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: ":") else { return found }
            index += 1
            skipSpace(line, &index)
            let valueStart = index
            skipValue(line, &index)
            if name.elementsEqual("params".utf8) {
                if seen { return nil }
                seen = true
                found = line[valueStart..<index]
            }
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: ",") else { return found }
            index += 1
        }
    }

    /// The first member name of the outer object that appears twice, as JSON reads it (escapes
    /// decoded), or nil. Readers disagree on duplicates (some keep the first, some the last), so a
    /// request with one means two things and is refused, whatever member it is.
    static func duplicateMember(in line: [UInt8]) -> String? {
        var index = 0
        skipSpace(line, &index)
        guard index < line.count, line[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        var names = Set<String>()
        while true {
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: "\"") else { return nil }
            let start = index
            skipValue(line, &index)
            let token = line[start..<min(index, line.count)]
            let name =
                token.contains(UInt8(ascii: "\\"))
                ? (try? JSONDecoder().decode(String.self, from: Data(token))) ?? String(decoding: token, as: UTF8.self)
                : String(decoding: token.dropFirst().dropLast(), as: UTF8.self)
            guard names.insert(name).inserted else { return name }
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace(line, &index)
            skipValue(line, &index)
            skipSpace(line, &index)
            guard index < line.count, line[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
    }

    private static func skipSpace(_ line: [UInt8], _ index: inout Int) {
        while index < line.count, [0x20, 0x09, 0x0A, 0x0D].contains(line[index]) { index += 1 }
    }

    /// Moves past one JSON value (well-formed, as the line was already read as JSON).
    private static func skipValue(_ line: [UInt8], _ index: inout Int) {
        guard index < line.count else { return }
        switch line[index] {
        case UInt8(ascii: "\""):
            index += 1
            while index < line.count, line[index] != UInt8(ascii: "\"") {
                index += line[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            index += 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            repeat {
                switch line[index] {
                case UInt8(ascii: "\""):
                    skipValue(line, &index)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                default: break
                }
                index += 1
            } while depth > 0 && index < line.count
        default:
            while index < line.count, !",}] \t\r\n".utf8.contains(line[index]) { index += 1 }
        }
    }
}
