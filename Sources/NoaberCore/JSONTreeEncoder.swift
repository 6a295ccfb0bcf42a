// A decoded payload must be the same JSON tree as its bytes (`StrictJSON`). That was checked by
// encoding the payload with `JSONEncoder` and parsing the result again; this encoder builds the
// tree directly, as that encoding would parse: strings as they are, integers in plain decimal.

/// Encodes an `Encodable` value as the `JSONTree` that `JSONEncoder`'s output parses to.
package struct JSONTreeEncoder: Sendable {
    package init() {}

    package func encode(_ value: some Encodable) throws -> JSONTree {
        let root = Slot()
        try value.encode(to: TreeEncoder(root, codingPath: []))
        return root.tree
    }
}

/// One value being built: containers share it, as `JSONEncoder`'s do, so that two keyed
/// containers taken from one encoder write into one object (the payload's header and body).
private final class Slot {
    var leaf: JSONTree = .null
    var members: [String: Slot]?
    var items: [Slot]?

    init() {}
    init(_ leaf: JSONTree) { self.leaf = leaf }

    var tree: JSONTree {
        if let members { return .object(members.mapValues(\.tree)) }
        if let items { return .array(items.map(\.tree)) }
        return leaf
    }
}

private struct TreeEncoder: Encoder, SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ slot: Slot, codingPath: [any CodingKey]) {
        self.slot = slot
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if slot.members == nil { slot.members = [:] }
        return KeyedEncodingContainer(KeyedTree<Key>(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if slot.items == nil { slot.items = [] }
        return UnkeyedTree(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    func encodeNil() { slot.leaf = .null }
    func encode(_ value: Bool) { slot.leaf = .bool(value) }
    func encode(_ value: String) { slot.leaf = .string(value) }
    // Payloads hold no fractions; `description` is the shortest text that reads back the same.
    func encode(_ value: Double) { slot.leaf = .number(value.description) }
    func encode(_ value: Float) { slot.leaf = .number(value.description) }
    func encode(_ value: Int) { slot.leaf = .number(String(value)) }
    func encode(_ value: Int8) { slot.leaf = .number(String(value)) }
    func encode(_ value: Int16) { slot.leaf = .number(String(value)) }
    func encode(_ value: Int32) { slot.leaf = .number(String(value)) }
    func encode(_ value: Int64) { slot.leaf = .number(String(value)) }
    func encode(_ value: UInt) { slot.leaf = .number(String(value)) }
    func encode(_ value: UInt8) { slot.leaf = .number(String(value)) }
    func encode(_ value: UInt16) { slot.leaf = .number(String(value)) }
    func encode(_ value: UInt32) { slot.leaf = .number(String(value)) }
    func encode(_ value: UInt64) { slot.leaf = .number(String(value)) }
    func encode<T: Encodable>(_ value: T) throws { try value.encode(to: self) }
}

private struct KeyedTree<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    func set(_ leaf: JSONTree, _ key: Key) { slot.members![key.stringValue] = Slot(leaf) }
    func child(_ key: Key) -> TreeEncoder {
        let child = Slot()
        slot.members![key.stringValue] = child
        return TreeEncoder(child, codingPath: codingPath + [key])
    }

    mutating func encodeNil(forKey key: Key) { set(.null, key) }
    mutating func encode(_ value: Bool, forKey key: Key) { set(.bool(value), key) }
    mutating func encode(_ value: String, forKey key: Key) { set(.string(value), key) }
    mutating func encode(_ value: Int, forKey key: Key) { set(.number(String(value)), key) }
    mutating func encode(_ value: Int64, forKey key: Key) { set(.number(String(value)), key) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try value.encode(to: child(key)) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        child(key).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        child(key).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder {
        let child = Slot()
        slot.members!["super"] = child
        return TreeEncoder(child, codingPath: codingPath)
    }
    mutating func superEncoder(forKey key: Key) -> any Encoder { child(key) }
}

private struct UnkeyedTree: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int { slot.items!.count }

    func child() -> TreeEncoder {
        let child = Slot()
        let index = slot.items!.count
        slot.items!.append(child)
        return TreeEncoder(child, codingPath: codingPath + [IndexKey(index)])
    }

    mutating func encodeNil() { slot.items!.append(Slot(.null)) }
    mutating func encode(_ value: String) { slot.items!.append(Slot(.string(value))) }
    mutating func encode(_ value: Int64) { slot.items!.append(Slot(.number(String(value)))) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: child()) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        child().container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { child().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { child() }
}
