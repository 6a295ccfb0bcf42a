// The values `StrictJSON` parses to and checks against, and how a written tree differs from the
// tree of what was decoded from it.

/// A parsed JSON value; objects keep their keys only once (a duplicate is an error).
package enum JSONTree: Equatable, Sendable {
    case object([String: JSONTree])
    case array([JSONTree])
    case string(String)
    /// The number's text as written, so that `1500` and `1.5e3` differ.
    case number(String)
    case bool(Bool)
    case null
    /// A string `JSONDecoder` would refuse only when it is read (a lone surrogate): kept by a
    /// lenient parse, so that it spoils its own field and not the whole line.
    case unreadableString
}

extension StrictJSON {
    /// Refuses the tree `written` unless it equals `understood` (what was decoded from it, encoded
    /// again by `JSONTreeEncoder`); the message names the first field that differs.
    static func requireSame(_ written: JSONTree, as understood: JSONTree) throws(LedgerError) {
        // Equal trees have no difference; comparing them costs no key sorting and no path text,
        // which the search for the first difference spends on every field (about 1 % of the
        // daemon's CPU per submitted entry), so the search runs only when they differ.
        if written == understood { return }
        if let difference = firstDifference(written, understood, path: "", subject: "this kind of entry") {
            throw .invalidPayload(difference)
        }
    }

    static func firstDifference(
        _ written: JSONTree, _ understood: JSONTree, path: String, subject: String
    ) -> String? {
        let name = path.isEmpty ? "the payload" : "field \"\(path)\""
        switch (written, understood) {
        case (.object(let a), .object(let b)):
            for key in a.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard let other = b[key] else {
                    if case .null = a[key]! { return "field \"\(child)\" is null; omit it instead" }
                    return "field \"\(child)\" is not part of \(subject)"
                }
                if let difference = firstDifference(a[key]!, other, path: child, subject: subject) {
                    return difference
                }
            }
            return nil
        case (.array(let a), .array(let b)) where a.count == b.count:
            for (i, (x, y)) in zip(a, b).enumerated() {
                if let difference = firstDifference(x, y, path: "\(path)[\(i)]", subject: subject) {
                    return difference
                }
            }
            return nil
        case (.number, .number):
            return written == understood ? nil : "\(name) must be a plain integer like 1500"
        default:
            return written == understood ? nil : "\(name) is not written as Noaber reads it"
        }
    }
}

/// What a JSON document may hold, for `StrictJSON.difference(_:shape:subject:)`.
package indirect enum JSONShape: Sendable {
    /// An object of these fields at most (a field that must be there is the decoder's to require).
    case object([String: JSONShape])
    case array(JSONShape)
    case string
    case integer
}
