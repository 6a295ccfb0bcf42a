package import NoaberCrypto

/// An offline proof that an entry is in a log (c2sp.org/tlog-proof): the entry's index, its RFC 6962
/// inclusion proof, and the signed checkpoint the proof leads to.
///
///     c2sp.org/tlog-proof@v1
///     [extra <base64>]
///     index <n>
///     <base64 hash>...
///
///     <signed checkpoint, verbatim>
///
/// Parsing checks the layout only: the checkpoint's signatures are checked by
/// `checkpoint.verify`, the hashes by recomputing the root from the entry.
package struct TlogProof: Sendable, Equatable {
    package static let header = "c2sp.org/tlog-proof@v1"
    /// An inclusion proof in a tree of at most 2^64 leaves has at most 64 hashes; more can only be
    /// padding that makes a reader work.
    package static let maximumHashes = 64

    /// Opaque data that nobody signed: never trust it.
    package var extra: [UInt8]?
    package var index: UInt64
    /// From the leaf's sibling up to the root's child.
    package var hashes: [SHA256Digest]
    package var checkpoint: SignedCheckpoint

    package init(extra: [UInt8]?, index: UInt64, hashes: [SHA256Digest], checkpoint: SignedCheckpoint) {
        self.extra = extra
        self.index = index
        self.hashes = hashes
        self.checkpoint = checkpoint
    }

    package init(parsing text: String) throws(NoteError) {
        let bytes = Array(text.utf8)
        var position = 0
        // The next line without its newline; nil when no newline is left.
        func nextLine() -> ArraySlice<UInt8>? {
            guard let end = bytes[position...].firstIndex(of: NoteSyntax.newline) else { return nil }
            defer { position = end + 1 }
            return bytes[position..<end]
        }

        guard let first = nextLine(), first.elementsEqual(Self.header.utf8) else { throw .missingProofHeader }
        guard var line = nextLine() else { throw .invalidProofIndex("") }
        if let encoded = NoteSyntax.dropPrefix("extra ", from: line) {
            extra = try NoteSyntax.decodeBase64(encoded, field: "the extra data")
            guard let next = nextLine() else { throw .invalidProofIndex("") }
            line = next
        } else {
            extra = nil
        }
        guard let number = NoteSyntax.dropPrefix("index ", from: line), let index = NoteSyntax.parseDecimal(number)
        else {
            throw .invalidProofIndex(NoteSyntax.string(line))
        }
        self.index = index

        var hashes: [SHA256Digest] = []
        while true {
            guard let line = nextLine() else { throw .missingProofCheckpoint }
            if line.isEmpty { break }
            guard hashes.count < Self.maximumHashes else { throw .tooManyProofHashes(limit: Self.maximumHashes) }
            let decoded = try NoteSyntax.decodeBase64(line, field: "inclusion proof hash \(hashes.count + 1)")
            guard let hash = SHA256Digest(bytes: decoded) else { throw .invalidProofHash(line: hashes.count + 1) }
            hashes.append(hash)
        }
        self.hashes = hashes

        checkpoint = try SignedCheckpoint(parsing: NoteSyntax.string(bytes[position...]))
        guard index < checkpoint.checkpoint.size else {
            throw .indexOutOfRange(index: index, size: checkpoint.checkpoint.size)
        }
    }

    /// Like `init(parsing:)` for bytes read from a file.
    package init(parsing bytes: [UInt8]) throws(NoteError) {
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        try self.init(parsing: text)
    }

    package var serialized: String {
        var lines = [Self.header]
        if let extra { lines.append("extra " + NoteSyntax.encodeBase64(extra)) }
        lines.append("index \(index)")
        lines += hashes.map { NoteSyntax.encodeBase64($0.bytes) }
        return lines.map { $0 + "\n" }.joined() + "\n" + checkpoint.serialized
    }
}
