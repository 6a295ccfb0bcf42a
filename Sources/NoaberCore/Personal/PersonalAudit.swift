/// The verifier's part of rule 9 of docs/FORMAT.md §5: each personal text present matches its
/// commitment, none is present that an `erase` covers, and every commitment without a text is
/// covered by an `erase` (which may come later in the chain, so that is settled at the end).
struct PersonalAudit: Sendable {
    /// Commitments seen without a text, to be covered by some `erase` by the end.
    private var missing: [PersonalKey] = []
    private var present = Set<PersonalKey>()
    private var erased = Set<PersonalKey>()

    /// Checks the texts stored beside entry `seq`; nil means the reader was not given them (an
    /// export without personal data), and then there is nothing to check.
    mutating func check(_ texts: [PersonalText]?, of payload: Payload, seq: Int64) throws(VerificationFailure) {
        guard let texts else { return }
        func fail(_ reason: String) -> VerificationFailure { VerificationFailure(seq: seq, reason: reason) }
        let fields = payload.v >= 2 ? payload.personalFields : []
        for text in texts {
            guard let field = fields.first(where: { $0.path == text.path }) else {
                throw fail("a personal text is stored at \"\(text.path)\", where the payload commits to none")
            }
            guard text.commitment == field.value else {
                throw fail(
                    "the personal text stored for \"\(text.path)\" does not match the payload's commitment: it was changed beside the chain"
                )
            }
            present.insert(PersonalKey(seq: seq, path: text.path))
        }
        for field in fields where !texts.contains(where: { $0.path == field.path }) {
            missing.append(PersonalKey(seq: seq, path: field.path))
        }
    }

    /// Records what an `erase` at `seq` covers; a text it covers must be gone already.
    mutating func erase(_ covered: [PersonalKey], by seq: Int64, textsKnown: Bool) throws(VerificationFailure) {
        for key in covered {
            if textsKnown && present.contains(key) {
                throw VerificationFailure(
                    seq: key.seq,
                    reason:
                        "the personal text at \"\(key.path)\" is still stored, although erase entry \(seq) covers it")
            }
            erased.insert(key)
        }
    }

    /// After the last entry: every commitment without a text was erased.
    func finish() throws(VerificationFailure) {
        if let lost = missing.first(where: { !erased.contains($0) }) {
            throw VerificationFailure(
                seq: lost.seq,
                reason: "the personal text at \"\(lost.path)\" is missing, and no erase entry covers it")
        }
    }
}
