package import Logging

/// Client-supplied text as it may appear in a log line: control and format characters (a newline
/// that would forge a line, a NUL that would cut one short for some readers, a bidi override that
/// would reorder one) are written as `\u{…}` escapes, and a backslash as `\\`, so that the escape
/// of a character cannot be told apart from a client who typed it out.
package enum LogText {
    package static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator:
                out += "\\u{\(String(scalar.value, radix: 16))}"
            default:
                if scalar == "\\" { out += "\\\\" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

extension Logger.MetadataValue {
    /// A metadata value that may hold text a client chose (an id, an account, an error message
    /// quoting either): escaped by `LogText`, so that it stays within its log line.
    package static func escaped(_ text: String) -> Self { .string(LogText.escaped(text)) }

    /// `escaped` of a value's description, for errors whose message may quote a request.
    package static func escaped(_ value: some Any) -> Self { .string(LogText.escaped("\(value)")) }
}
