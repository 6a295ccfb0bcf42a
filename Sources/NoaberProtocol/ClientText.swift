/// A client's text as Noaber repeats it to a reader: control and format characters (an escape
/// sequence a terminal would run, a newline that would forge a line, a NUL that would cut one
/// short, a bidi override that would reorder one) are written as `\u{1b}`, so that whoever prints
/// the text shows them rather than obeys them.
package enum ClientText {
    /// `text` with its control and format characters escaped. A log also doubles each backslash
    /// (`doublingBackslashes`), so that an escape cannot be told apart from a client who typed
    /// one out; an error message leaves them, since the client reads back its own text.
    package static func escaped(_ text: String, doublingBackslashes: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                if doublingBackslashes && scalar == "\\" { out += "\\\\" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
