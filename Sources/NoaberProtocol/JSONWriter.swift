package import Foundation

// The daemon answers every submission and most reads with a few strings and integers. Through
// `JSONEncoder` that cost about as much as decoding the request: key conversion, sorting, boxing.
// The hot answers are written here by hand instead, byte for byte what `RPCCoding.encoder()`
// writes for them (compact, keys sorted, slashes unescaped), which the tests check on many values.

/// Appends compact JSON to a byte buffer; the caller writes an object's keys in sorted order.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next member or item is the first of its container (no comma before it).
    private var first = true

    package init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    package mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        first = true
    }

    package mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    package mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        first = true
    }

    package mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    /// A member's key; its value follows. Keys are the protocol's own ASCII names.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        first = true
    }

    package mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, hashes, base64, times) need no escape: copied in one go.
        var text = text
        let plain = text.withUTF8 { utf8 in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
            else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if !plain { escape(text) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func escape(_ text: String) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }

    /// A string of `count` bytes that need no escape (hex, base64), which `fill` writes straight
    /// into the buffer, between the quotes.
    mutating func appendString(count: Int, _ fill: (UnsafeMutableBufferPointer<UInt8>) -> Void) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: count))
        bytes.withUnsafeMutableBufferPointer { fill(UnsafeMutableBufferPointer(rebasing: $0[start...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The bytes written, ended by a newline: a response line, copied once.
    package consuming func line() -> Data {
        bytes.append(0x0A)
        return Data(bytes)
    }

    package mutating func integer(_ value: some FixedWidthInteger) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    package mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A comma before every member or item but a container's first; a key's value gets none.
    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }
}

/// A value that writes its own JSON, the same bytes as `RPCCoding.encoder()` encodes it to.
package protocol JSONWritable: Encodable {
    func write(to writer: inout JSONWriter)
}

extension JSONWriter {
    /// An array of values that write themselves.
    package mutating func array(_ items: some Sequence<some JSONWritable>) {
        beginArray()
        for item in items { item.write(to: &self) }
        endArray()
    }
}

extension RPCID {
    package func write(to writer: inout JSONWriter) {
        switch self {
        case .number(let n): writer.integer(n)
        case .string(let s): writer.string(s)
        case .null: writer.null()
        }
    }
}

extension RPCError: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("code")
        writer.integer(code)
        if let data {
            writer.key("data")
            writer.beginObject()
            writer.key("reason")
            writer.string(data.reason)
            writer.endObject()
        }
        writer.key("message")
        writer.string(message)
        writer.endObject()
    }
}

extension RPCCoding {
    /// The success line for `result`, as `line(RPCSuccess(id:result:))` encodes it.
    package static func successLine(id: RPCID, _ result: some JSONWritable) -> Data {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("id")
        id.write(to: &writer)
        writer.key("jsonrpc")
        writer.string("2.0")
        writer.key("result")
        result.write(to: &writer)
        writer.endObject()
        return writer.line()
    }

    /// The error line, as `line(RPCFailure(id:error:))` encodes it.
    package static func failureLine(id: RPCID, _ error: RPCError) -> Data {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("error")
        error.write(to: &writer)
        writer.key("id")
        id.write(to: &writer)
        writer.key("jsonrpc")
        writer.string("2.0")
        writer.endObject()
        return writer.line()
    }
}
