import Foundation
import NoaberCore
import NoaberProtocol

/// An entry as the formatting writers need it: its place in the chain and its decoded payload.
struct ReadEntry {
    var seq: Int64
    var id: String
    var committedAt: Timestamp
    var date: CalendarDate
    var payload: Payload
}

/// The ledger as a journal export describes it, from entry 1: its id, name, currency and first day.
struct LedgerDescription {
    var id: String
    var name: String
    var currency: Currency
    var date: CalendarDate
}

/// An account as its `account.open` entry made it.
struct OpenedAccount {
    var id: AccountID
    var kind: AccountKind
    var name: String
    var seq: Int64
    var date: CalendarDate
}

/// Reads the chain as it streams past: decodes each entry, checks that none is missing or out of
/// order, and keeps what later entries need (the ledger's settings, the accounts opened so far).
/// It trusts the entries otherwise: checking signatures and rules is `noaber verify`'s work.
struct ChainReader {
    private(set) var ledger: LedgerDescription?
    private(set) var accounts: [AccountID: OpenedAccount] = [:]
    /// Each care category's name as its latest `category.set` gave it.
    private(set) var categoryNames: [String: String] = [:]
    private var nextSeq: Int64 = 1

    mutating func read(_ info: EntryInfo) throws(ExportError) -> ReadEntry {
        guard info.seq == nextSeq else { throw .outOfSequence(expected: nextSeq, got: info.seq) }
        guard let time = Timestamp(rfc3339: info.committedAt) else {
            throw .malformedEntry(seq: info.seq, reason: "commit time \"\(info.committedAt)\" is not RFC 3339")
        }
        guard let bytes = Data(base64Encoded: info.payload) else {
            throw .malformedEntry(seq: info.seq, reason: "the payload is not base64")
        }
        var payload: Payload
        do { payload = try Payload.decode(Array(bytes)) } catch {
            throw .malformedEntry(seq: info.seq, reason: error.message)
        }
        // Version 2: the formats show the texts served beside the entry in place of their
        // commitments; `[erased]` once erased, `[withheld]` when none were served (FORMAT.md §16).
        // A batch has 1,000 memos: one lookup table and one pass over its credits, not a search
        // of the texts and a copy of the credits per memo.
        if payload.v >= 2 {
            let served = info.personal.map { texts in
                Dictionary(texts.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
            }
            payload.setPersonalFields(
                payload.personalFields.map { field in
                    (field.path, served.map { $0[field.path] ?? PersonalData.erasedMarker } ?? "[withheld]")
                })
        }
        let entry = ReadEntry(seq: info.seq, id: info.id, committedAt: time, date: CalendarDate(time), payload: payload)
        switch payload.body {
        case .ledgerInit(let settings) where info.seq == 1:
            ledger = LedgerDescription(
                id: payload.ledger, name: settings.name, currency: settings.currency, date: entry.date)
        case _ where info.seq == 1:
            throw .missingLedgerInit
        case .accountOpen(let open):
            accounts[open.account] = OpenedAccount(
                id: open.account, kind: open.accountKind, name: open.name, seq: info.seq, date: entry.date)
        case .categorySet(let set):
            categoryNames[set.category] = set.name
        default:
            break
        }
        nextSeq += 1
        return entry
    }

    /// The settings of entry 1, which `read` has seen before any later entry.
    var settings: LedgerDescription {
        guard let ledger else { preconditionFailure("ChainReader.settings before entry 1") }
        return ledger
    }
}
