package import NoaberCrypto

/// A checkpoint with the note that signs it. The note's text is the checkpoint's body byte for byte;
/// the checkpoint's fields are there to read, the note is what was signed.
package struct SignedCheckpoint: Sendable, Equatable {
    package var checkpoint: Checkpoint
    package var note: SignedNote

    /// Reads the checkpoint out of an already parsed note, without verifying it.
    package init(note: SignedNote) throws(NoteError) {
        self.checkpoint = try Checkpoint(parsing: note.text)
        self.note = note
    }

    /// Parses the note and its body; does NOT verify the signatures (that is `verify`).
    package init(parsing serialized: String) throws(NoteError) {
        try self.init(note: SignedNote(parsing: serialized))
    }

    /// Like `init(parsing:)` for bytes read from a file.
    package init(parsing bytes: [UInt8]) throws(NoteError) {
        try self.init(note: SignedNote(parsing: bytes))
    }

    /// Signs with the key named `checkpoint.origin` (the log's key name matches its origin, as the
    /// spec recommends), so the origin must also be a valid key name.
    package static func sign(
        _ checkpoint: Checkpoint, with key: Ed25519PrivateKey
    ) throws(NoteError) -> SignedCheckpoint {
        try checkpoint.check()
        let note = try SignedNote.sign(checkpoint.text, name: checkpoint.origin, with: key)
        return SignedCheckpoint(checkpoint: checkpoint, note: note)
    }

    private init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// The first trusted key whose signature verifies, under the signed-note rules (`SignedNote.verify`).
    /// Also refuses a checkpoint whose fields were changed after parsing, since those would be unsigned.
    /// It does not look at the origin: use `verify(origin:by:)` when you know which log you expect.
    @discardableResult
    package func verify(by keys: [NoteVerifierKey]) throws(NoteError) -> NoteVerifierKey {
        guard NoteSyntax.same(checkpoint.text, note.text) else { throw .checkpointMismatch }
        return try note.verify(by: keys)
    }

    /// `verify(by:)` for a checkpoint that must come from the log named `origin`: a log's key may
    /// sign checkpoints naming another log, and a reader that checked only the key would take those.
    @discardableResult
    package func verify(origin: String, by keys: [NoteVerifierKey]) throws(NoteError) -> NoteVerifierKey {
        guard NoteSyntax.same(checkpoint.origin, origin) else {
            throw .wrongOrigin(expected: origin, actual: checkpoint.origin)
        }
        return try verify(by: keys)
    }

    package var serialized: String { note.serialized }
}
