/// A failure the person at the command line can act on, said in one line; nothing decides
/// anything by it, so it carries only its text.
package struct ClientFailure: Error, CustomStringConvertible, Sendable {
    package var description: String
    package init(_ description: String) { self.description = description }
}
