package import NoaberCore

/// A result the client reads from `StrictJSON`'s tree of the answer line instead of through
/// `JSONDecoder`: the pages a verify reads by the thousand. It asks for what the `Decodable`
/// conformance asks for (every required member, of its type; optional ones absent or null) and
/// ignores members it does not know, so that either way of reading accepts the same answers.
package protocol JSONTreeReadable: Decodable {
    init(tree: JSONTree) throws(TreeReadError)
}

/// Why an answer's tree is not the result expected, naming the member.
package struct TreeReadError: Error, CustomStringConvertible {
    package var description: String
}

/// An object's members, read by key with the type each must have.
struct TreeMembers {
    let members: [String: JSONTree]
    let path: String

    init(_ tree: JSONTree, path: String) throws(TreeReadError) {
        guard case .object(let members) = tree else { throw TreeReadError(description: "\(path) is not an object") }
        self.members = members
        self.path = path
    }

    func fail(_ key: String, _ why: String) -> TreeReadError { TreeReadError(description: "\(path).\(key) \(why)") }

    /// The member, or nil when it is absent or null (as `decodeIfPresent` reads it).
    func optional(_ key: String) -> JSONTree? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func required(_ key: String) throws(TreeReadError) -> JSONTree {
        guard let value = optional(key) else { throw fail(key, "is missing") }
        return value
    }

    func string(_ key: String) throws(TreeReadError) -> String {
        guard case .string(let text) = try required(key) else { throw fail(key, "is not a string") }
        return text
    }

    func optionalString(_ key: String) throws(TreeReadError) -> String? {
        guard optional(key) != nil else { return nil }
        return try string(key)
    }

    func integer(_ key: String) throws(TreeReadError) -> Int64 {
        guard case .number(let literal) = try required(key), let value = Int64(literal) else {
            throw fail(key, "is not a 64-bit integer")
        }
        return value
    }

    func optionalInteger(_ key: String) throws(TreeReadError) -> Int64? {
        guard optional(key) != nil else { return nil }
        return try integer(key)
    }

    func array(_ key: String) throws(TreeReadError) -> [JSONTree] {
        guard case .array(let items) = try required(key) else { throw fail(key, "is not an array") }
        return items
    }

    func optionalArray(_ key: String) throws(TreeReadError) -> [JSONTree]? {
        guard optional(key) != nil else { return nil }
        return try array(key)
    }
}

extension EntriesResult: JSONTreeReadable {
    package init(tree: JSONTree) throws(TreeReadError) {
        let items = try TreeMembers(tree, path: "result").array("entries")
        var entries: [EntryInfo] = []
        entries.reserveCapacity(items.count)
        for (index, item) in items.enumerated() {
            entries.append(try EntryInfo(tree: item, path: "result.entries[\(index)]"))
        }
        self.init(entries: entries)
    }
}

extension EntryInfo {
    init(tree: JSONTree, path: String) throws(TreeReadError) {
        let fields = try TreeMembers(tree, path: path)
        seq = try fields.integer("seq")
        id = try fields.string("id")
        kind = try fields.string("kind")
        keyId = try fields.string("key_id")
        payload = try fields.string("payload")
        signature = try fields.string("signature")
        committedAt = try fields.string("committed_at")
        prevHash = try fields.string("prev_hash")
        hash = try fields.string("hash")
        postings = []
        for (index, item) in try fields.array("postings").enumerated() {
            let posting = try TreeMembers(item, path: "\(path).postings[\(index)]")
            postings.append(
                PostingInfo(
                    account: try posting.string("account"), amount: try posting.integer("amount"),
                    careDate: try posting.optionalString("care_date"), idx: try posting.optionalInteger("idx")))
        }
        personal = nil
        if let texts = try fields.optionalArray("personal") {
            var personal: [PersonalTextInfo] = []
            for (index, item) in texts.enumerated() {
                let text = try TreeMembers(item, path: "\(path).personal[\(index)]")
                personal.append(
                    PersonalTextInfo(
                        path: try text.string("path"), salt: try text.string("salt"), text: try text.string("text")))
            }
            self.personal = personal
        }
    }
}

extension TreeNodesResult: JSONTreeReadable {
    package init(tree: JSONTree) throws(TreeReadError) {
        var nodes: [TreeNodeInfo] = []
        for (index, item) in try TreeMembers(tree, path: "result").array("nodes").enumerated() {
            let node = try TreeMembers(item, path: "result.nodes[\(index)]")
            nodes.append(
                TreeNodeInfo(
                    level: try node.integer("level"), idx: try node.integer("idx"), hash: try node.string("hash")))
        }
        self.init(nodes: nodes)
    }
}
