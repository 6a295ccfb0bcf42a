import Foundation
import NoaberCrypto

// The payload is one flat JSON object: the header fields (`v`, `ledger`, `id`, `kind`) beside the
// body's fields. Unknown fields are refused, so that a signed payload cannot carry data that the
// ledger ignores but an auditor's script might read.

private enum HeaderKeys: String, CodingKey, CaseIterable {
    case v, ledger, id, kind
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Payload: Codable {
    package init(from decoder: any Decoder) throws {
        let header = try decoder.container(keyedBy: HeaderKeys.self)
        v = try header.decode(Int.self, forKey: .v)
        guard Payload.supportedVersions.contains(v) else {
            throw DecodingError.dataCorruptedError(
                forKey: .v, in: header,
                debugDescription: "version \(v) is not supported (expected 1 or 2)")
        }
        ledger = try header.decode(String.self, forKey: .ledger)
        id = try header.decode(String.self, forKey: .id)
        let bodyKeys: [String]
        switch try header.decode(EntryKind.self, forKey: .kind) {
        case .ledgerInit:
            body = .ledgerInit(try LedgerInit(from: decoder))
            bodyKeys = LedgerInit.CodingKeys.allCases.map(\.stringValue)
        case .keyAdd:
            body = .keyAdd(try KeyAdd(from: decoder))
            bodyKeys = KeyAdd.CodingKeys.allCases.map(\.stringValue)
        case .keyRevoke:
            body = .keyRevoke(try KeyRevoke(from: decoder))
            bodyKeys = KeyRevoke.CodingKeys.allCases.map(\.stringValue)
        case .accountOpen:
            body = .accountOpen(try AccountOpen(from: decoder))
            bodyKeys = AccountOpen.CodingKeys.allCases.map(\.stringValue)
        case .accountUpdate:
            body = .accountUpdate(try AccountUpdate(from: decoder))
            bodyKeys = AccountUpdate.CodingKeys.allCases.map(\.stringValue)
        case .categorySet:
            body = .categorySet(try CategorySet(from: decoder))
            bodyKeys = CategorySet.CodingKeys.allCases.map(\.stringValue)
        case .ledgerSettings:
            body = .ledgerSettings(try LedgerSettings(from: decoder))
            bodyKeys = LedgerSettings.CodingKeys.allCases.map(\.stringValue)
        case .claim:
            body = .claim(try Claim(from: decoder))
            bodyKeys = Claim.CodingKeys.allCases.map(\.stringValue)
        case .claimReject:
            body = .claimReject(try ClaimReject(from: decoder))
            bodyKeys = ClaimReject.CodingKeys.allCases.map(\.stringValue)
        case .transaction:
            body = .transaction(try Transaction(from: decoder))
            bodyKeys = Transaction.CodingKeys.allCases.map(\.stringValue)
        case .erase:
            // Version 1 signs its personal texts, so there is nothing an erasure could remove.
            guard v >= 2 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: header,
                    debugDescription:
                        "erase exists only in entry format v2; a v1 ledger signs its personal data and cannot erase it")
            }
            body = .erase(try Erase(from: decoder))
            bodyKeys = Erase.CodingKeys.allCases.map(\.stringValue)
        case .credits:
            // A batch's memos are personal fields at credits[i].memo: only version 2 keeps them apart.
            guard v >= 2 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .kind, in: header,
                    debugDescription: "credits exists only in entry format v2; a v1 ledger credits with tx")
            }
            body = .credits(try CreditBatch(from: decoder))
            bodyKeys = CreditBatch.CodingKeys.allCases.map(\.stringValue)
        }
        let allowed = Set(bodyKeys + HeaderKeys.allCases.map(\.stringValue))
        let present = try decoder.container(keyedBy: AnyKey.self).allKeys
        if let unknown = present.first(where: { !allowed.contains($0.stringValue) }) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: [unknown], debugDescription: "unknown field for this kind of entry"))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var header = encoder.container(keyedBy: HeaderKeys.self)
        try header.encode(v, forKey: .v)
        try header.encode(ledger, forKey: .ledger)
        try header.encode(id, forKey: .id)
        try header.encode(kind, forKey: .kind)
        switch body {
        case .ledgerInit(let b): try b.encode(to: encoder)
        case .keyAdd(let b): try b.encode(to: encoder)
        case .keyRevoke(let b): try b.encode(to: encoder)
        case .accountOpen(let b): try b.encode(to: encoder)
        case .accountUpdate(let b): try b.encode(to: encoder)
        case .categorySet(let b): try b.encode(to: encoder)
        case .ledgerSettings(let b): try b.encode(to: encoder)
        case .claim(let b): try b.encode(to: encoder)
        case .claimReject(let b): try b.encode(to: encoder)
        case .transaction(let b): try b.encode(to: encoder)
        case .erase(let b): try b.encode(to: encoder)
        case .credits(let b): try b.encode(to: encoder)
        }
    }

    /// Parses payload bytes as stored; every failure is an `invalidPayload` naming the field.
    package static func decode(_ bytes: [UInt8]) throws(LedgerError) -> Payload {
        // Only a batch of credits may pass 64 KiB; its kind is known once it is parsed (below).
        guard bytes.count <= CreditBatch.maxBytes else {
            throw .invalidPayload("payload is larger than \(CreditBatch.maxBytes) bytes")
        }
        // A `tx` payload written as Noaber writes one is read from its bytes in one pass.
        if let payload = scannedTransaction(bytes) { return payload }
        // So is a `credits` payload, a thousand credits without a dictionary each.
        if let payload = scannedCredits(bytes) { return payload }
        // One parse: a `credits` or `tx` payload written as Noaber writes one is read from the
        // strict parser's tree directly; any other is decoded from that tree, and the tree compared
        // with the decoded payload's own, built without encoding it to bytes.
        let written = try parsed(bytes)
        if let batch = decodedCredits(written) {
            try PersonalData.requireCommitments(in: batch)
            return batch
        }
        if let payload = canonicalTransaction(written, bytes: bytes) {
            guard bytes.count <= maxBytes else { throw .invalidPayload("payload is larger than \(maxBytes) bytes") }
            if payload.v >= 2 { try PersonalData.requireCommitments(in: payload) }
            return payload
        }
        return try decodeGenerally(bytes, written)
    }

    /// `decode` through the tree decoder whatever the kind, which `decodedCredits` must agree
    /// with: for tests and the fuzz check.
    package static func decodeGenerally(_ bytes: [UInt8]) throws(LedgerError) -> Payload {
        guard bytes.count <= CreditBatch.maxBytes else {
            throw .invalidPayload("payload is larger than \(CreditBatch.maxBytes) bytes")
        }
        return try decodeGenerally(bytes, try parsed(bytes))
    }

    private static func parsed(_ bytes: [UInt8]) throws(LedgerError) -> JSONTree {
        do { return try StrictJSON.parse(bytes) } catch {
            if StrictJSON.isMalformed(error) { throw .invalidPayload("the payload is not a valid JSON object") }
            throw error
        }
    }

    private static func decodeGenerally(_ bytes: [UInt8], _ written: JSONTree) throws(LedgerError) -> Payload {
        let payload: Payload
        do { payload = try JSONTreeDecoder().decode(Payload.self, from: written) } catch let error as DecodingError {
            throw .invalidPayload(Self.describe(error))
        } catch {
            throw .invalidPayload("the payload is malformed")
        }
        if bytes.count > maxBytes, payload.kind != .credits {
            throw .invalidPayload("payload is larger than \(maxBytes) bytes")
        }
        // A batch or a transaction written the way `encoded()` writes it (what the CLI signs) is
        // its own decoded tree, byte for byte: comparing the bytes spares a second tree (1,000
        // credits in a batch) and the walk of both. Any other spelling is compared tree to tree,
        // naming the first field that differs.
        let canonical =
            switch payload.body {
            case .credits(let batch): payload.encodedCredits(batch) == bytes
            case .transaction(let tx): payload.encodedTransaction(tx) == bytes
            default: false
            }
        if !canonical {
            let understood: JSONTree
            do { understood = try JSONTreeEncoder().encode(payload) } catch {
                throw .invalidPayload("the payload is malformed")
            }
            try StrictJSON.requireSame(written, as: understood)
        }
        if payload.v >= 2 { try PersonalData.requireCommitments(in: payload) }
        return payload
    }

    /// The bytes a signer produces: compact JSON with sorted keys. Any byte layout is accepted on
    /// submission; this one is simply what Noaber's own CLI writes.
    package func encoded() -> [UInt8] {
        if case .credits(let batch) = body { return encodedCredits(batch) }
        return encodedByFoundation()
    }

    /// `encoded()` through `JSONEncoder`, which the hand-written kinds must equal (tested).
    package func encodedByFoundation() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain value types into JSON cannot fail.
        return Array(try! encoder.encode(self))
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath + [key])
            return "missing field \"\(at)\""
        case .typeMismatch(let type, let context):
            return "field \"\(path(context.codingPath))\" must be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "field \"\(path(context.codingPath))\" must be \(typeName(type)), not null"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the payload is not a valid JSON object" }
            return "field \"\(path(context.codingPath))\": \(context.debugDescription)"
        @unknown default:
            return "the payload is malformed"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int64.Type, is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [Any].Type: "an array"
        default: "of the right type"
        }
    }
}
