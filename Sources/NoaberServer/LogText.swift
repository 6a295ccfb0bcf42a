package import Logging
import NoaberProtocol

/// Client-supplied text as it may appear in a log line: `ClientText`'s escapes, with each
/// backslash doubled so that a forged escape cannot pass for a real one.
package enum LogText {
    package static func escaped(_ text: String) -> String { ClientText.escaped(text, doublingBackslashes: true) }
}

extension Logger.MetadataValue {
    /// A metadata value that may hold text a client chose (an id, an account, an error message
    /// quoting either): escaped by `LogText`, so that it stays within its log line.
    package static func escaped(_ text: String) -> Self { .string(LogText.escaped(text)) }

    /// `escaped` of a value's description, for errors whose message may quote a request.
    package static func escaped(_ value: some Any) -> Self { .string(LogText.escaped("\(value)")) }
}
