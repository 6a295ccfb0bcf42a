// The values `StrictJSON` parses to and checks against.

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

/// What a JSON document may hold, for `StrictJSON.difference(_:shape:subject:)`.
package indirect enum JSONShape: Sendable {
    /// An object of these fields at most (a field that must be there is the decoder's to require).
    case object([String: JSONShape])
    case array(JSONShape)
    case string
    case integer
}
