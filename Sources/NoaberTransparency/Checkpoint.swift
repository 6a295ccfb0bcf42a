package import NoaberCrypto

/// The head of a transparency log at one size (c2sp.org/tlog-checkpoint): the body of a signed note.
///
///     <origin>
///     <tree size, decimal>
///     <base64 root hash>
///     [extension lines]
package struct Checkpoint: Sendable, Equatable {
    /// Names the log. Noaber's is `LogOrigin.origin(ledgerID:)`; others' need not look like a URL.
    package var origin: String
    package var size: UInt64
    /// The RFC 6962 Merkle tree hash of the first `size` entries.
    package var root: SHA256Digest
    /// Opaque non-empty lines after the root; the spec discourages them, and Noaber writes none.
    package var extensions: [String]

    package init(origin: String, size: UInt64, root: SHA256Digest, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// Parses a note's text (the body, with its final newline), not a whole signed note.
    package init(parsing text: String) throws(NoteError) {
        let bytes = Array(text.utf8)
        try NoteSyntax.checkText(bytes)
        let lines = NoteSyntax.lines(bytes.dropLast())
        guard lines.count >= 3 else { throw .checkpointTooShort(lines: lines.count) }
        if let empty = lines.firstIndex(where: \.isEmpty) { throw .emptyCheckpointLine(empty + 1) }
        guard let size = NoteSyntax.parseDecimal(lines[1]) else {
            throw .invalidTreeSize(NoteSyntax.string(lines[1]))
        }
        let rootBytes = try NoteSyntax.decodeBase64(lines[2], field: "the root hash")
        guard let root = SHA256Digest(bytes: rootBytes) else { throw .invalidRootHash(byteCount: rootBytes.count) }
        self.origin = NoteSyntax.string(lines[0])
        self.size = size
        self.root = root
        self.extensions = lines[3...].map(NoteSyntax.string)
    }

    /// The note text: one line per field, each ending in a newline.
    package var text: String {
        ([origin, String(size), NoteSyntax.encodeBase64(root.bytes)] + extensions).map { $0 + "\n" }.joined()
    }

    /// Throws unless `text` parses back to exactly this checkpoint, so that what gets signed is what
    /// every reader will see.
    func check() throws(NoteError) {
        if origin.utf8.contains(NoteSyntax.newline) { throw .embeddedNewline(field: "origin") }
        for (number, line) in extensions.enumerated() where line.utf8.contains(NoteSyntax.newline) {
            throw .embeddedNewline(field: "extension line \(number + 1)")
        }
        guard try Checkpoint(parsing: text) == self else { throw .checkpointMismatch }
    }

    /// Byte-exact, like the signature that covers it.
    package static func == (lhs: Checkpoint, rhs: Checkpoint) -> Bool {
        NoteSyntax.same(lhs.origin, rhs.origin) && lhs.size == rhs.size && lhs.root == rhs.root
            && lhs.extensions.count == rhs.extensions.count
            && zip(lhs.extensions, rhs.extensions).allSatisfy { NoteSyntax.same($0, $1) }
    }
}
