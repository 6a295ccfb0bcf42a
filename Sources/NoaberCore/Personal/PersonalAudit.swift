/// The verifier's part of rule 9 of docs/FORMAT.md §5: each personal text present matches its
/// commitment and obeys §2's text rules for its field, none is present that an `erase` covers,
/// and every commitment without a text is covered by an `erase`. An erasure comes after what it covers, and an export carries its texts
/// after the entries, so the texts are judged at the end, in seq order.
struct PersonalAudit: Sendable {
    /// Every personal field of the chain's v2 entries, holding its commitment.
    private var commitments: [PersonalKey: PersonalField] = [:]
    /// Each covered text and the first erase entry that covers it.
    private var erasedBy: [PersonalKey: Int64] = [:]
    /// The texts stored beside the chain, once the reader has them; nil: not given (an export
    /// without personal data), and then there is nothing to check.
    private(set) var texts: [PersonalKey: PersonalText]?

    mutating func record(_ payload: Payload, seq: Int64) {
        guard payload.v >= 2 else { return }
        for field in payload.personalFields { commitments[PersonalKey(seq: seq, path: field.path)] = field }
    }

    mutating func erase(_ covered: [PersonalKey], by seq: Int64) {
        for key in covered where erasedBy[key] == nil { erasedBy[key] = seq }
    }

    /// Adds texts read beside entry `seq`.
    mutating func add(_ stored: [PersonalText], seq: Int64) {
        // In place: a copy of all texts so far per entry made a credits ledger's replay quadratic.
        if texts == nil { texts = [:] }
        for text in stored { texts![PersonalKey(seq: seq, path: text.path)] = text }
    }

    /// After the last entry: the checks above, naming the first entry (by seq) that fails one.
    func finish() throws(VerificationFailure) {
        guard let texts else { return }
        // Each text is judged on its own (a SHA-256 commitment and the text rules each): a
        // million credits' memos on every core, rather than one after the other at the end.
        let stored = Array(texts)
        var failures = Parallel.map(stored.count) { range in
            range.compactMap { index in judge(stored[index].value, at: stored[index].key) }
        }
        // Each text passed has a commitment of its own, so when all passed and there are as many
        // texts as commitments, every commitment has its text: a million lookups spared on one core.
        if !failures.isEmpty || texts.count != commitments.count {
            for key in commitments.keys where texts[key] == nil && erasedBy[key] == nil {
                failures.append(
                    (key, "the personal text at \"\(key.path)\" is missing, and no erase entry covers it"))
            }
        }
        if let first = failures.min(by: { $0.0 < $1.0 }) {
            throw VerificationFailure(seq: first.0.seq, reason: first.1)
        }
    }

    /// What is wrong with `text`, stored at `key`, if anything.
    private func judge(_ text: PersonalText, at key: PersonalKey) -> (PersonalKey, String)? {
        guard let field = commitments[key] else {
            return (key, "a personal text is stored at \"\(key.path)\", where the payload commits to none")
        }
        if text.commitment != field.value {
            return (
                key,
                "the personal text stored for \"\(key.path)\" does not match the payload's commitment: it was changed beside the chain"
            )
        }
        if let erase = erasedBy[key] {
            return (
                key, "the personal text at \"\(key.path)\" is still stored, although erase entry \(erase) covers it"
            )
        }
        // A chain rule of version 2, as for texts in the payload: the daemon refuses such a text
        // at submit, so one stored was admitted around it.
        do {
            try Text.validate(text.text, field: key.path, maxLength: field.maxLength, allowEmpty: field.allowEmpty)
        } catch {
            return (key, "the personal text at \"\(key.path)\" breaks the text rule: \(error.message)")
        }
        return nil
    }
}
