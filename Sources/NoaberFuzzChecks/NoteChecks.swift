import NoaberTransparency

/// Signed notes and checkpoints: a parsed note writes back to exactly its bytes, and a checkpoint
/// the fixed log signed stops verifying when any bit of its text changes.
enum NoteChecks {
    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let note = try? SignedNote(parsing: bytes) else { return }
        try require(Array(note.serialized.utf8) == bytes, "a signed note does not write back to its bytes")
        guard let signed = try? SignedCheckpoint(parsing: bytes) else { return }
        try require(Array(signed.serialized.utf8) == bytes, "a checkpoint does not write back to its bytes")
        try require(signed.checkpoint.text.utf8.elementsEqual(note.text.utf8), "a checkpoint's text is not the note's")
        guard (try? signed.verify(by: [FixedLog.verifier])) != nil else { return }
        try requireTamperFails(bytes, split: Array(note.text.utf8).count)
    }

    /// Flips one bit of the signed text (which one depends on the input): the note must no longer
    /// verify, or no longer parse.
    static func requireTamperFails(_ bytes: [UInt8], split: Int) throws(FuzzFinding) {
        guard split > 0 else { return }
        var changed = bytes
        let position = bytes.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % (split * 8)
        changed[position / 8] ^= 1 << (position % 8)
        if let tampered = try? SignedCheckpoint(parsing: changed) {
            try require(
                (try? tampered.verify(by: [FixedLog.verifier])) == nil,
                "a checkpoint still verifies after bit \(position) of its text changed")
        }
    }
}
