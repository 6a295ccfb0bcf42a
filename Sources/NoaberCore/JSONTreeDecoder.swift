import Foundation

// The submit path used to parse every payload and request twice: once strictly (`StrictJSON`),
// then again with Foundation's `JSONDecoder`. This decoder reads the strict parser's tree instead,
// so the bytes are parsed once. It throws the same `DecodingError`s, with the same coding paths,
// as `JSONDecoder` does for the types Noaber decodes (strings, integers, booleans, arrays and
// objects of them), so that the messages built from them name the same fields.

/// Decodes a `Decodable` value from a parsed `JSONTree`.
package struct JSONTreeDecoder: Sendable {
    /// Reads `from_seq` as the key `fromSeq`, as `JSONDecoder.KeyDecodingStrategy.convertFromSnakeCase`.
    package var convertFromSnakeCase: Bool

    package init(convertFromSnakeCase: Bool = false) {
        self.convertFromSnakeCase = convertFromSnakeCase
    }

    package func decode<T: Decodable>(_ type: T.Type, from tree: JSONTree) throws -> T {
        try T(from: TreeDecoder(tree, codingPath: [], snakeCase: convertFromSnakeCase))
    }

    /// `JSONDecoder`'s conversion: `_a_b_c_` → `_aBC_`; a key without an inner underscore is kept.
    static func camelCase(_ key: String) -> String {
        guard key.utf8.contains(UInt8(ascii: "_")),
            let first = key.firstIndex(where: { $0 != "_" })
        else { return key }
        if key.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) }) {
            return camelCaseOfLowercaseWords(Array(key.utf8))
        }
        var last = key.index(before: key.endIndex)
        while last > first, key[last] == "_" { key.formIndex(before: &last) }
        let words = key[first...last].split(separator: "_")
        guard words.count > 1 else { return key }
        let joined = ([words[0].lowercased()] + words.dropFirst().map(\.capitalized)).joined()
        return String(key[..<first]) + joined + String(key[key.index(after: last)...])
    }
}

extension JSONTreeDecoder {
    /// `camelCase` of a key of lowercase ASCII letters and underscores, as the protocol's own keys
    /// (`key_id`, `from_seq`) are: for those, `lowercased` and `capitalized` only raise the first
    /// letter of each later word, done here on the bytes. Every request has such keys, and
    /// Foundation's Unicode case mapping was most of their decoding's cost.
    static func camelCaseOfLowercaseWords(_ key: [UInt8]) -> String {
        let underscore = UInt8(ascii: "_")
        guard let first = key.firstIndex(where: { $0 != underscore }) else {
            return String(decoding: key, as: UTF8.self)
        }
        var last = key.count - 1
        while last > first, key[last] == underscore { last -= 1 }
        let words = key[first...last].split(separator: underscore)
        guard words.count > 1 else { return String(decoding: key, as: UTF8.self) }
        var joined = Array(key[..<first]) + words[0]
        for word in words.dropFirst() {
            joined.append(word[word.startIndex] - (UInt8(ascii: "a") - UInt8(ascii: "A")))
            joined += word.dropFirst()
        }
        joined += key[(last + 1)...]
        return String(decoding: joined, as: UTF8.self)
    }
}

/// A coding key for an array's item, as `JSONDecoder` names it in a coding path.
struct IndexKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private final class TreeDecoder: Decoder, SingleValueDecodingContainer {
    let value: JSONTree
    let codingPath: [any CodingKey]
    let snakeCase: Bool
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONTree, codingPath: [any CodingKey], snakeCase: Bool) {
        self.value = value
        self.codingPath = codingPath
        self.snakeCase = snakeCase
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else {
            throw mismatch([String: Any].self, value, codingPath)
        }
        var fields = members
        if snakeCase {
            fields = [:]
            // Two spellings of one key: the first in key order stays, so the choice is repeatable.
            for key in members.keys.sorted() {
                let name = JSONTreeDecoder.camelCase(key)
                if fields[name] == nil { fields[name] = members[key] }
            }
        }
        return KeyedDecodingContainer(Keyed<Key>(fields: fields, codingPath: codingPath, snakeCase: snakeCase))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch([Any].self, value, codingPath) }
        return Unkeyed(items: items, codingPath: codingPath, snakeCase: snakeCase)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try unbox(value, Bool.self, codingPath) }
    func decode(_ type: String.Type) throws -> String { try unbox(value, String.self, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try unboxFloat(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try unboxFloat(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try unboxInteger(value, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try unboxInteger(value, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try unboxInteger(value, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try unboxInteger(value, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try unboxInteger(value, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try unboxInteger(value, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try unboxInteger(value, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try unboxInteger(value, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try unboxInteger(value, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try unboxInteger(value, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}

private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let fields: [String: JSONTree]
    let codingPath: [any CodingKey]
    let snakeCase: Bool

    var allKeys: [Key] { fields.keys.sorted().compactMap { Key(stringValue: $0) } }
    func contains(_ key: Key) -> Bool { fields[key.stringValue] != nil }

    func field(_ key: Key) throws -> JSONTree {
        guard let value = fields[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key,
                .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
        }
        return value
    }

    func decoder(_ key: Key) throws -> TreeDecoder {
        TreeDecoder(try field(key), codingPath: codingPath + [key], snakeCase: snakeCase)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try field(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try unbox(try field(key), Bool.self, codingPath + [key])
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try unbox(try field(key), String.self, codingPath + [key])
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).decode(type) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(key).decode(type) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try unboxInteger(try field(key), codingPath + [key])
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).decode(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).decode(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).decode(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try unboxInteger(try field(key), codingPath + [key])
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try decoder(key).decode(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try decoder(key).decode(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try decoder(key).decode(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try decoder(key).decode(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try decoder(key).decode(type) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: try decoder(key)) }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder {
        TreeDecoder(fields["super"] ?? .null, codingPath: codingPath, snakeCase: snakeCase)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        TreeDecoder(fields[key.stringValue] ?? .null, codingPath: codingPath + [key], snakeCase: snakeCase)
    }
}

private struct Unkeyed: UnkeyedDecodingContainer {
    let items: [JSONTree]
    let codingPath: [any CodingKey]
    let snakeCase: Bool
    var currentIndex = 0

    init(items: [JSONTree], codingPath: [any CodingKey], snakeCase: Bool) {
        self.items = items
        self.codingPath = codingPath
        self.snakeCase = snakeCase
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    mutating func next<T>(_ type: T.Type) throws -> TreeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type,
                .init(
                    codingPath: codingPath + [IndexKey(currentIndex)], debugDescription: "Unkeyed container is at end.")
            )
        }
        defer { currentIndex += 1 }
        return TreeDecoder(items[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)], snakeCase: snakeCase)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                Any?.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
        }
        guard items[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = try next(type)
        return try decoder.decode(type)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self).unkeyedContainer()
    }
    mutating func superDecoder() throws -> any Decoder { try next((any Decoder).self) }
}

// The coding path is built only for an error: most fields decode, and an array per field cost.
private func mismatch(_ type: Any.Type, _ value: JSONTree, _ path: [any CodingKey]) -> DecodingError {
    if value == .null {
        return .valueNotFound(
            type, .init(codingPath: path, debugDescription: "Cannot get \(type) -- found null value instead"))
    }
    return .typeMismatch(
        type,
        .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(value.typeName) instead."))
}

private func unbox<T>(_ value: JSONTree, _ type: T.Type, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
    switch value {
    case .unreadableString where type == String.self:
        throw DecodingError.dataCorrupted(
            .init(codingPath: path(), debugDescription: "Unable to convert hex escape sequence to a Unicode scalar."))
    case .string(let text) where type == String.self: return text as! T
    case .bool(let flag) where type == Bool.self: return flag as! T
    default: throw mismatch(type, value, path())
    }
}

/// An integer as `JSONDecoder` reads one: plain digits, or a number whose value is a whole one
/// that fits (`5e2`, `500.0`); the canonical comparison afterwards refuses the latter spellings.
private func unboxInteger<T: FixedWidthInteger>(
    _ value: JSONTree, _ path: @autoclosure () -> [any CodingKey]
) throws -> T {
    guard case .number(let text) = value else { throw mismatch(T.self, value, path()) }
    if let integer = T(text, radix: 10) { return integer }
    if let real = Double(text), let integer = T(exactly: real) { return integer }
    throw DecodingError.dataCorrupted(
        .init(codingPath: path(), debugDescription: "Parsed JSON number <\(text)> does not fit in \(T.self)."))
}

private func unboxFloat(_ value: JSONTree, _ path: [any CodingKey]) throws -> Double {
    guard case .number(let text) = value else { throw mismatch(Double.self, value, path) }
    guard let real = Double(text), real.isFinite else {
        throw DecodingError.dataCorrupted(
            .init(codingPath: path, debugDescription: "Parsed JSON number <\(text)> does not fit in Double."))
    }
    return real
}

extension JSONTree {
    var typeName: String {
        switch self {
        case .object: "a dictionary"
        case .array: "an array"
        case .string: "a string"
        case .number: "a number"
        case .bool: "bool"
        case .null: "null"
        case .unreadableString: "a string with a lone surrogate"
        }
    }
}
