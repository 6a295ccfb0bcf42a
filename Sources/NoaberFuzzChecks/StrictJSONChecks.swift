import NoaberCore
import NoaberProtocol

/// `StrictJSON` exists so that a payload or an export line means one thing to every reader; so
/// whatever it accepts must be I-JSON (`ReferenceJSON`): no duplicate member, no lone surrogate,
/// no byte that is not UTF-8, no control character in a string, numbers only as the grammar has them.
enum StrictJSONChecks {
    /// An export line's kind of shape, to run the one-pass shape check too.
    static let shape = JSONShape.object([
        "seq": .integer, "id": .string, "payload": .string,
        "postings": .array(.object(["account": .string, "amount": .integer])),
        "state": .object(["balances": .array(.object(["account": .string, "balance": .integer]))]),
    ])

    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        let reference = ReferenceJSON.parse(bytes)
        if StrictJSON.difference(bytes, from: bytes, subject: "the document") == nil {
            try requireIJSON(reference, "StrictJSON")
        }
        if StrictJSON.difference(bytes, shape: shape, subject: "the document") == nil {
            try requireIJSON(reference, "StrictJSON's shape check")
            if case .success(let tree) = reference {
                try require(fits(tree, shape), "StrictJSON's shape check accepted a value of another shape")
            }
        }
        try checkPageReaders(bytes)
    }

    /// A verify's pages read in one pass (`JSONLineScannable`) are taken only when one lenient
    /// parse and the tree's reading take the line, and read to the same values.
    static func checkPageReaders(_ line: [UInt8]) throws(FuzzFinding) {
        func byTree<R: JSONTreeReadable>(_ type: R.Type) -> R? {
            guard case .object(let members)? = try? StrictJSON.parse(line, lenient: true) else { return nil }
            if let error = members["error"], error != .null { return nil }
            guard let result = members["result"], result != .null else { return nil }
            return try? R(tree: result)
        }
        func written(_ page: EntriesResult) -> [UInt8] {
            var writer = JSONWriter()
            page.write(to: &writer)
            return writer.bytes
        }
        let entries = (EntriesResult.scan(line: line), byTree(EntriesResult.self))
        try require((entries.0 == nil) == (entries.1 == nil), "the entries page's one pass decided otherwise")
        if let scanned = entries.0, let tree = entries.1 {
            try require(written(scanned) == written(tree), "the entries page's one pass read other values")
        }
        let answer = (EntriesAnswer.scan(line: line), byTree(EntriesAnswer.self))
        try require((answer.0 == nil) == (answer.1 == nil), "the entries answer's one pass decided otherwise")
        switch answer {
        case (.packed(let scanned)?, .packed(let tree)?):
            try require(scanned == tree, "the packed page's one pass read other bytes")
        case (.entries(let scanned)?, .entries(let tree)?):
            try require(written(scanned) == written(tree), "the entries answer's one pass read other values")
        case (nil, nil): break
        default: throw FuzzFinding("the entries answer's one pass read another kind of page")
        }
        let nodes = (TreeNodesResult.scan(line: line), byTree(TreeNodesResult.self))
        try require((nodes.0 == nil) == (nodes.1 == nil), "the Merkle nodes page's one pass decided otherwise")
        try require(nodes.0?.nodes == nodes.1?.nodes, "the Merkle nodes page's one pass read other values")
    }

    static func requireIJSON(
        _ reference: Result<ReferenceJSON, ReferenceJSON.Refusal>, _ who: String
    ) throws(FuzzFinding) {
        if case .failure(let refusal) = reference {
            throw FuzzFinding("\(who) accepted what an I-JSON reader refuses: \(refusal.why)")
        }
    }

    /// Whether `tree` is of `shape`, integers written plainly.
    static func fits(_ tree: ReferenceJSON, _ shape: JSONShape) -> Bool {
        switch (tree, shape) {
        case (.object(let members), .object(let fields)):
            members.allSatisfy { key, value in fields[key].map { fits(value, $0) } ?? false }
        case (.array(let items), .array(let item)): items.allSatisfy { fits($0, item) }
        case (.string, .string): true
        case (.number(let text), .integer): isPlainInteger(text)
        default: false
        }
    }

    static func isPlainInteger(_ text: String) -> Bool {
        let digits = text.hasPrefix("-") ? text.dropFirst() : text[...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return digits.first != "0" || (digits.count == 1 && text == "0")
    }
}
