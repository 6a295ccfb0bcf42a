import Foundation

/// Free-text fields (names, labels, memos, reasons; docs/FORMAT.md §2 "Text fields"): bounded,
/// free of control characters so that no stored text can rewrite a terminal or break a line-based
/// format, and free of format characters and in NFC so that two texts that look alike on a
/// statement are the same text. Lengths count Unicode code points, which every auditor's language
/// counts the same way (grapheme clusters vary).
package enum Text {
    /// The whole rule, which every text a signer writes now obeys.
    package static func validate(
        _ text: String, field: String, maxLength: Int, allowEmpty: Bool = false
    ) throws(LedgerError) {
        try validateForm(text, field: field, maxLength: maxLength, allowEmpty: allowEmpty)
        if let problem = characterProblem(in: text) { throw .invalidText(field: field, problem) }
    }

    /// The part of the rule that format version 1 has always had: not empty unless allowed, at
    /// most `maxLength` code points, no control character. The rules of entries check this, and
    /// the character rule once per entry over `Payload.textFields`, where a version 1 chain that
    /// breaks only the latter is a warning to `verify`, not a failure.
    package static func validateForm(
        _ text: String, field: String, maxLength: Int, allowEmpty: Bool = false
    ) throws(LedgerError) {
        guard allowEmpty || !text.isEmpty else { throw .invalidPayload("\(field) must not be empty") }
        guard text.unicodeScalars.count <= maxLength else {
            throw .invalidPayload("\(field) is longer than \(maxLength) characters")
        }
        if let control = text.unicodeScalars.first(where: isControl) {
            throw .invalidText(field: field, .controlCharacter(control.value))
        }
    }

    /// What breaks the character rule (docs/FORMAT.md §2): the first format character or line
    /// separator, else whether the text is not in NFC; nil when it holds.
    package static func characterProblem(in text: String) -> TextProblem? {
        var onlyBelowCombiningMarks = true
        for scalar in text.unicodeScalars {
            if isFormatCharacter(scalar) { return .formatCharacter(scalar.value) }
            if scalar.value >= 0x300 { onlyBelowCombiningMarks = false }
        }
        // Below U+0300 every character is its own NFC form and none composes with another
        // (checked against Python's unicodedata for every pair), so most texts need no normalising.
        guard !onlyBelowCombiningMarks else { return nil }
        // Scalars, not String ==: Swift compares strings by canonical equivalence, so "e\u{301}"
        // would equal its composed form.
        let composed = text.precomposedStringWithCanonicalMapping
        return composed.unicodeScalars.elementsEqual(text.unicodeScalars) ? nil : .notNFC
    }

    /// C0, DEL and C1.
    package static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// FORMAT.md §2's list: every character of general category Cf in Unicode 15.1, and the line
    /// and paragraph separators. A fixed list rather than the platform's Unicode tables, so that
    /// every verifier, whatever its Unicode version, draws the line in the same place.
    package static let formatCharacters: [ClosedRange<UInt32>] = [
        0x00AD...0x00AD, 0x0600...0x0605, 0x061C...0x061C, 0x06DD...0x06DD, 0x070F...0x070F,
        0x0890...0x0891, 0x08E2...0x08E2, 0x180E...0x180E, 0x200B...0x200F, 0x2028...0x202E,
        0x2060...0x2064, 0x2066...0x206F, 0xFEFF...0xFEFF, 0xFFF9...0xFFFB, 0x110BD...0x110BD,
        0x110CD...0x110CD, 0x13430...0x1343F, 0x1BCA0...0x1BCA3, 0x1D173...0x1D17A, 0xE0001...0xE0001,
        0xE0020...0xE007F,
    ]

    package static func isFormatCharacter(_ scalar: Unicode.Scalar) -> Bool {
        // Nothing below U+00AD is one: plain text pays one comparison per character.
        guard scalar.value >= 0xAD else { return false }
        return formatCharacters.contains { $0.contains(scalar.value) }
    }
}

/// Why a text breaks the text rule (docs/FORMAT.md §2), as `LedgerError.invalidText` carries it.
package enum TextProblem: Sendable, Equatable, Hashable {
    /// A control character (C0, DEL or C1), by its code point: refused since format version 1.
    case controlCharacter(UInt32)
    /// A format character (bidi controls, zero-width characters: Unicode Cf) or a line or
    /// paragraph separator, by its code point; it hides or reorders text without being seen.
    case formatCharacter(UInt32)
    /// The text is not in Unicode Normalization Form C, so it has a look-alike spelled otherwise.
    case notNFC

    /// "U+200B ZERO WIDTH SPACE", for a message.
    static func describe(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        guard let name = Unicode.Scalar(value)?.properties.name else { return code }
        return "\(code) \(name)"
    }

    /// The sentence after the field's name.
    package var explanation: String {
        switch self {
        case .controlCharacter(let value):
            "contains the control character \(Self.describe(value)); texts hold no control characters"
        case .formatCharacter(let value):
            "contains \(Self.describe(value)), an invisible format character; names, labels, memos and reasons hold none (no bidi controls, zero-width or other Unicode Cf characters, no line separators), so that no text can pass for another"
        case .notNFC:
            "is not in Unicode normalization form NFC: write each accented letter as one composed character (é as U+00E9, not e followed by U+0301)"
        }
    }
}

/// A text a version 1 chain holds that breaks the character rule added after it was written:
/// `verify` reports it, and the daemon refuses new ones.
package struct TextWarning: Sendable, Equatable {
    package var seq: Int64
    package var field: String
    package var problem: TextProblem

    package init(seq: Int64, field: String, problem: TextProblem) {
        self.seq = seq
        self.field = field
        self.problem = problem
    }

    package var message: String {
        "entry \(seq): \"\(field)\" \(problem.explanation) (allowed in version 1 entries written before this rule; the daemon refuses new ones)"
    }
}

extension Payload {
    /// Every text field of the payload by its path (docs/FORMAT.md §2 "Text fields"). In version 2
    /// the personal ones hold commitments, and their texts, beside the chain, obey the same rule.
    package var textFields: [(path: String, text: String)] {
        let fields: [(String, String?)]
        switch body {
        case .ledgerInit(let b):
            fields = [
                ("name", b.name), ("currency.name", b.currency.name), ("admin_key.label", b.adminKey.label),
                ("log_key.label", b.logKey?.label),
            ]
        case .keyAdd(let b): fields = [("key.label", b.key.label)]
        case .keyRevoke(let b): fields = [("reason", b.reason)]
        case .accountOpen(let b): fields = [("name", b.name)]
        case .accountUpdate(let b): fields = [("name", b.name), ("reason", b.reason)]
        case .categorySet(let b): fields = [("name", b.name)]
        case .ledgerSettings(let b): fields = [("contact", b.contact)]
        case .claim(let b): fields = [("memo", b.memo)]
        case .claimReject(let b): fields = [("reason", b.reason)]
        case .transaction(let b): fields = [("memo", b.memo), ("reason", b.reason)]
        case .erase(let b): fields = [("reason", b.reason)]
        case .credits(let b): fields = b.credits.indices.map { (BatchCredit.memoPath($0), b.credits[$0].memo) }
        }
        return fields.compactMap { path, text in text.map { (path, $0) } }
    }

    /// Calls `visit` with each text of `textFields` and a way to name its path, the name made only
    /// when asked: for a batch, a thousand memo paths were strings built to go unused.
    package func forEachTextField(
        _ visit: (_ text: String, _ path: () -> String) throws(LedgerError) -> Void
    ) throws(LedgerError) {
        guard case .credits(let batch) = body else {
            for (path, text) in textFields { try visit(text) { path } }
            return
        }
        for (index, memo) in batch.memos { try visit(memo) { BatchCredit.memoPath(index) } }
    }

    /// The first text of the payload with a character the text rule refuses, or not in NFC, as the
    /// signer wrote it (in version 2, before the personal texts become commitments): what a client
    /// checks before it signs, so that it names the field before the daemon has to.
    package func checkTextCharacters() throws(LedgerError) {
        try forEachTextField { (text, path) throws(LedgerError) in
            if let control = text.unicodeScalars.first(where: Text.isControl) {
                throw .invalidText(field: path(), .controlCharacter(control.value))
            }
            if let problem = Text.characterProblem(in: text) { throw .invalidText(field: path(), problem) }
        }
    }
}
