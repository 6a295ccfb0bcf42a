package import NoaberCrypto

/// One personal text kept beside the chain (docs/FORMAT.md §16): the payload field it belongs to,
/// by path, the salt its commitment was made with, and the text.
package struct PersonalText: Sendable, Equatable, Hashable {
    package var path: String
    package var salt: [UInt8]
    package var text: String

    package init(path: String, salt: [UInt8], text: String) {
        self.path = path
        self.salt = salt
        self.text = text
    }

    /// A text with a fresh random salt, as a signer makes it.
    package static func fresh(path: String, text: String) throws(CryptoError) -> PersonalText {
        PersonalText(path: path, salt: try SecureRandom.bytes(PersonalData.saltBytes), text: text)
    }

    package var commitment: String { PersonalData.commitment(path: path, salt: salt, text: text) }
}

/// A personal field of a payload: where it is, what it holds (the text in version 1, the
/// commitment in version 2) and the text rules of §2 that its text obeys.
package struct PersonalField: Sendable, Equatable {
    package var path: String
    package var value: String
    package var maxLength: Int
    package var allowEmpty: Bool
}

/// Salted commitments to personal texts (docs/FORMAT.md §16).
package enum PersonalData {
    package static let domain = "noaber:personal:v1"
    package static let saltBytes = 16
    /// What readers show in place of a text an `erase` removed.
    package static let erasedMarker = "[erased]"

    /// hex(SHA-256(domain ‖ 0x00 ‖ path ‖ 0x00 ‖ salt ‖ text)). The path has no NUL and the salt a
    /// fixed length, so the hashed bytes split one way only; the salt keeps a short memo from being
    /// found by hashing every likely text.
    package static func commitment(path: String, salt: [UInt8], text: String) -> String {
        // Appended into one array: a batch's thousand memos are committed to on the signer and
        // checked on the daemon, and the concatenations made an array at each step.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(domain.utf8.count + path.utf8.count + salt.count + text.utf8.count + 2)
        bytes.append(contentsOf: domain.utf8)
        bytes.append(0)
        bytes.append(contentsOf: path.utf8)
        bytes.append(0)
        bytes.append(contentsOf: salt)
        bytes.append(contentsOf: text.utf8)
        return SHA256.hash(bytes).hex
    }

    /// Version 2: every personal field present holds a commitment, 64 lowercase hex characters.
    static func requireCommitments(in payload: Payload) throws(LedgerError) {
        func refuse(_ path: String) -> LedgerError {
            .invalidPayload(
                "field \"\(path)\" must hold the commitment to its text (64 lowercase hex characters) in entry format v2"
            )
        }
        // A batch's memos are looked at in place, their paths made only for the one refused.
        if case .credits(let batch) = payload.body {
            for (index, memo) in batch.memos where !isCommitment(memo) { throw refuse(BatchCredit.memoPath(index)) }
            return
        }
        for field in payload.personalFields where !isCommitment(field.value) { throw refuse(field.path) }
    }

    static func isCommitment(_ value: String) -> Bool {
        value.utf8.count == 64 && value.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// Checks the texts submitted beside a version 2 entry: exactly one per commitment, each
    /// matching it and obeying its field's text rules. Version 1 entries carry none.
    package static func check(_ texts: [PersonalText], for payload: Payload) throws(LedgerError) {
        let fields = payload.v >= 2 ? payload.personalFields : []
        // By path: a batch of credits (FORMAT.md §17) has up to 1000 of them.
        let byPath = Dictionary(fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var seen = Set<String>()
        for text in texts {
            guard let field = byPath[text.path] else {
                throw .personalDataUnexpected(path: text.path)
            }
            guard seen.insert(text.path).inserted else {
                throw .invalidPayload("personal text \"\(text.path)\" is given twice")
            }
            guard text.salt.count == saltBytes else {
                throw .invalidPayload("the salt of personal text \"\(text.path)\" must be \(saltBytes) bytes")
            }
            guard text.commitment == field.value else { throw .personalDataMismatch(path: text.path) }
            try Text.validate(
                text.text, field: text.path, maxLength: field.maxLength, allowEmpty: field.allowEmpty)
        }
        if let missing = fields.first(where: { !seen.contains($0.path) }) {
            throw .personalDataMissing(path: missing.path)
        }
    }
}

extension Payload {
    /// The personal fields this payload has (docs/FORMAT.md §16's table), in a fixed order.
    package var personalFields: [PersonalField] {
        func field(_ path: String, _ value: String?, _ max: Int, empty: Bool = false) -> PersonalField? {
            value.map { PersonalField(path: path, value: $0, maxLength: max, allowEmpty: empty) }
        }
        let fields: [PersonalField?]
        switch body {
        case .ledgerInit(let b):
            fields = [field("admin_key.label", b.adminKey.label, 100), field("log_key.label", b.logKey?.label, 100)]
        case .keyAdd(let b): fields = [field("key.label", b.key.label, 100)]
        case .keyRevoke(let b): fields = [field("reason", b.reason, 500, empty: true)]
        case .accountOpen(let b): fields = [field("name", b.name, 200)]
        case .accountUpdate(let b): fields = [field("name", b.name, 200), field("reason", b.reason, 500, empty: true)]
        case .claim(let b): fields = [field("memo", b.memo, 500, empty: true)]
        case .claimReject(let b): fields = [field("reason", b.reason, 500)]
        case .transaction(let b): fields = [field("memo", b.memo, 500, empty: true), field("reason", b.reason, 500)]
        case .credits(let b):
            fields = b.credits.indices.map { field(BatchCredit.memoPath($0), b.credits[$0].memo, 500, empty: true) }
        case .categorySet, .ledgerSettings, .erase: fields = []
        }
        return fields.compactMap { $0 }
    }

    /// The paths of `personalFields`, in its order: for a batch, without a field made for each memo.
    package var personalPaths: [String] {
        guard case .credits(let batch) = body else { return personalFields.map(\.path) }
        return batch.memos.map { BatchCredit.memoPath($0.index) }
    }

    /// The payload with each personal field replaced by the commitment to its text, and those
    /// texts with fresh salts: how a signer turns a version 1 body into a version 2 entry.
    package func committingPersonalData() throws(CryptoError) -> (payload: Payload, texts: [PersonalText]) {
        var salts: [[UInt8]] = []
        for _ in personalFields { salts.append(try SecureRandom.bytes(PersonalData.saltBytes)) }
        var next = salts.makeIterator()
        return committingPersonalData { _, _ in next.next()! }
    }

    /// As `committingPersonalData()`, with the salt of each field (by path and text) from `salt`.
    package func committingPersonalData(
        salt: (_ path: String, _ text: String) -> [UInt8]
    ) -> (payload: Payload, texts: [PersonalText]) {
        var copy = self
        copy.v = 2
        var texts: [PersonalText] = []
        for field in personalFields {
            texts.append(PersonalText(path: field.path, salt: salt(field.path, field.value), text: field.value))
        }
        copy.setPersonalFields(texts.map { ($0.path, $0.commitment) })
        return (copy, texts)
    }

    /// Puts each value in the personal field at its path. A batch's memos are set in one pass
    /// over one copy of its credits: one at a time, each would copy all 1,000 credits again.
    package mutating func setPersonalFields(_ values: [(path: String, value: String)]) {
        guard case .credits(var batch) = body else {
            for (path, value) in values { setPersonalField(path, to: value) }
            return
        }
        for (path, value) in values {
            guard let index = CreditBatch.memoIndex(path), batch.credits.indices.contains(index) else { continue }
            batch.credits[index].memo = value
        }
        body = .credits(batch)
    }

    /// Puts `value` in the personal field at `path`; the paths are those of `personalFields`.
    package mutating func setPersonalField(_ path: String, to value: String) {
        switch (body, path) {
        case (.ledgerInit(var b), "admin_key.label"):
            b.adminKey.label = value
            body = .ledgerInit(b)
        case (.ledgerInit(var b), "log_key.label"):
            b.logKey?.label = value
            body = .ledgerInit(b)
        case (.keyAdd(var b), "key.label"):
            b.key.label = value
            body = .keyAdd(b)
        case (.keyRevoke(var b), "reason"):
            b.reason = value
            body = .keyRevoke(b)
        case (.accountOpen(var b), "name"):
            b.name = value
            body = .accountOpen(b)
        case (.accountUpdate(var b), "name"):
            b.name = value
            body = .accountUpdate(b)
        case (.accountUpdate(var b), "reason"):
            b.reason = value
            body = .accountUpdate(b)
        case (.claim(var b), "memo"):
            b.memo = value
            body = .claim(b)
        case (.claimReject(var b), "reason"):
            b.reason = value
            body = .claimReject(b)
        case (.transaction(var b), "memo"):
            b.memo = value
            body = .transaction(b)
        case (.transaction(var b), "reason"):
            b.reason = value
            body = .transaction(b)
        case (.credits(var b), _):
            guard let index = CreditBatch.memoIndex(path), b.credits.indices.contains(index) else { break }
            b.credits[index].memo = value
            body = .credits(b)
        default: break
        }
    }
}
