import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransparency
import NoaberTransport

/// Checks a checkpoint's origin and signature for this session's ledger; returns the key that signed.
@discardableResult
func checkCheckpoint(
    _ signed: SignedCheckpoint, session: Session, logKeys: LogKeyOptions, what: String
) async throws -> NoteVerifierKey {
    let origin = LogOrigin.origin(ledgerID: session.ledgerID)
    guard signed.checkpoint.origin == origin else {
        throw ClientFailure("\(what) is for \(signed.checkpoint.origin), not this ledger (\(origin))")
    }
    let keys = try logKeys.required()
    do { return try LogOrigin.verify(signed, ledgerID: session.ledgerID, by: keys) } catch {
        throw ClientFailure(
            "\(what) is not validly signed by the log key: \(error); it is signed by \(LogOrigin.signers(of: signed))")
    }
}

/// A proof's hashes as the daemon sends them, base64.
func proofHashes(_ texts: [String]) throws -> [SHA256Digest] {
    try texts.map { text in
        guard let hash = SHA256Digest(base64: text) else {
            throw ClientFailure("the daemon's proof holds a malformed hash")
        }
        return hash
    }
}

struct CheckpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Print or save the ledger's latest signed checkpoint (C2SP tlog-checkpoint).",
        discussion: """
            The checkpoint commits to the first N entries through their Merkle root and is signed by the \
            daemon's log key. Keep one each month: `noaber consistency` later proves that the ledger still \
            extends it, and `noaber verify --checkpoint` that its entries are exactly those.
            """)

    @Option(help: "Write the checkpoint to this file instead of printing it.")
    var out: String?

    @OptionGroup var logKeys: LogKeyOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let (note, signer) = try await Session.with(connection) { session in
            let result = try await session.client.call(.checkpoint, NoParams(), as: CheckpointResult.self)
            guard let note = result.checkpoint else {
                throw ClientFailure(
                    "the ledger has no checkpoint yet: its log key is not announced (see `noaber status`)")
            }
            let signed: SignedCheckpoint
            do { signed = try SignedCheckpoint(parsing: note) } catch {
                throw ClientFailure("the daemon's checkpoint is malformed: \(error)")
            }
            return (
                signed,
                try await checkCheckpoint(signed, session: session, logKeys: logKeys, what: "the daemon's checkpoint")
            )
        }
        guard let out else { return print(note.serialized, terminator: "") }
        try ExportOutput.writeWhole(note.serialized, to: out)
        print(
            "checkpoint of \(counted(note.checkpoint.size, "entry", "entries")) saved to \(out), signed by \(signer.text)"
        )
    }
}

struct Proof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print proof that an entry is in the published ledger (C2SP tlog-proof).",
        discussion: """
            The proof holds the entry itself (its record, as the extra data), its Merkle inclusion proof \
            and the signed checkpoint it is proved against: the latest, or the one in --checkpoint. Anyone \
            can check it offline with `noaber verify-proof`. Everything is checked here before it is printed.
            """)

    @Argument(help: "The entry id.")
    var entryID: String

    @Option(help: "Prove inclusion in this saved checkpoint instead of the latest.")
    var checkpoint: String?

    @Option(help: "Write the proof to this file (by convention NAME.tlog-proof) instead of printing it.")
    var out: String?

    @OptionGroup var logKeys: LogKeyOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let saved = try checkpoint.map(readCheckpoint)
        let proof = try await Session.with(connection) { session in
            let result = try await session.client.call(
                .inclusionProof, InclusionProofParams(entryId: entryID, treeSize: saved?.checkpoint.size),
                as: InclusionProofResult.self)
            let against: SignedCheckpoint
            if let saved {
                against = saved
            } else {
                guard let note = result.checkpoint else {
                    throw ClientFailure("the daemon sent no checkpoint with the proof")
                }
                do { against = try SignedCheckpoint(parsing: note) } catch {
                    throw ClientFailure("the daemon's checkpoint is malformed: \(error)")
                }
            }
            try await checkCheckpoint(
                against, session: session, logKeys: logKeys,
                what: saved == nil ? "the daemon's checkpoint" : "checkpoint \(checkpoint!)")
            let entry: CommittedEntry
            do { entry = try result.entry.storedEntry().entry } catch let failure as VerificationFailure {
                throw ClientFailure("the daemon's entry is malformed: \(failure.reason)")
            }
            // The proof must be of the entry asked for: its signed payload names it, and its
            // stored hash is the hash of the very record the proof carries.
            guard entry.seq >= 1, let payload = try? Payload.decode(entry.signed.payload),
                Self.names(payload, entryID), payload.ledger == session.ledgerID,
                SHA256.hash(entry.record) == entry.hash
            else { throw ClientFailure("the daemon answered with an entry that is not \(entryID) of this ledger") }
            let hashes = try proofHashes(result.hashes)
            guard entry.entryID == payload.id, result.index == UInt64(entry.seq - 1),
                result.treeSize == against.checkpoint.size
            else {
                throw ClientFailure("the daemon answered for another entry or tree size")
            }
            do {
                try InclusionProof.verify(
                    leafHash: entry.leafHash, index: result.index, treeSize: result.treeSize, proof: hashes,
                    root: against.checkpoint.root)
            } catch { throw ClientFailure("the daemon's inclusion proof does not verify: \(error)") }
            return TlogProof(extra: entry.record, index: result.index, hashes: hashes, checkpoint: against)
        }
        guard let out else { return print(proof.serialized, terminator: "") }
        try ExportOutput.writeWhole(proof.serialized, to: out)
        print(
            "proof that entry \(proof.index + 1) is among the \(proof.checkpoint.checkpoint.size) entries of the checkpoint, saved to \(out)"
        )
    }
}

struct VerifyProof: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check a proof from `noaber proof` offline: the entry is in the ledger the log key signs for.",
        discussion: """
            Needs no daemon. Checks that the proof's checkpoint is signed by the log key you trust (--log-key \
            or $NOABER_LOG_KEY: the verifier key the organisation publishes and `noaber status` prints), that \
            it is for the entry's ledger, and that the Merkle inclusion proof leads from the entry to the \
            checkpoint's root. Exits 0 when all hold, 2 when the proof fails, 1 on any other error. \
            Amounts are shown in the ledger's currency when a daemon of the proof's ledger answers \
            (--socket, --host, as for other commands) with its first entry, whose admin signature is \
            checked; else in minor units.
            """)

    @Argument(help: "The proof file.")
    var file: String

    @OptionGroup var logKeys: LogKeyOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    struct Report: Encodable {
        var ok: Bool
        var seq: Int64?
        var entryId: String?
        var kind: String?
        var committedAt: String?
        var ledgerId: String?
        var treeSize: UInt64?
        var signedBy: String?
        var purpose: String?
        var memo: String?
        var hours: String?
        var postings: [PostingInfo]?
        var failure: String?
    }

    func run() async throws {
        guard let keys = try logKeys.pinned() else {
            throw ClientFailure(
                "give --log-key (or $NOABER_LOG_KEY): the log's verifier key, as the ledger publishes it and `noaber status` prints it"
            )
        }
        let text = try readSmallFile(file, what: "proof")
        var report = Report(
            ok: false, seq: nil, entryId: nil, kind: nil, committedAt: nil, ledgerId: nil, treeSize: nil, signedBy: nil,
            purpose: nil, memo: nil, hours: nil, postings: nil, failure: nil)
        do { try check(text, against: keys, into: &report) } catch let failure as ProofFailure {
            report.failure = failure.reason
        }
        let currency = report.postings == nil ? nil : await currency(ofLedger: report.ledgerId)
        try show(report, currency: currency)
        if let failure = report.failure {
            var stderr = StandardError()
            print("noaber: proof failed: \(failure)", to: &stderr)
            throw ExitCode(2)
        }
    }

    /// Fills `report` from the proof as far as it checks out; throws what first fails.
    private func check(_ text: String, against keys: [NoteVerifierKey], into report: inout Report) throws {
        let proof: TlogProof
        do { proof = try TlogProof(parsing: text) } catch {
            throw ProofFailure("\(file) is not a tlog-proof: \(error)")
        }
        guard let extra = proof.extra else {
            throw ProofFailure("the proof carries no entry record (no extra line)")
        }
        let record: EntryRecord
        do { record = try EntryRecord(parsing: extra) } catch {
            throw ProofFailure("the proof's entry record is malformed: \(error.message)")
        }
        let payload: Payload
        do { payload = try Payload.decode(record.signed.payload) } catch {
            throw ProofFailure("the entry's payload is malformed: \(error.message)")
        }
        report.seq = record.seq
        report.entryId = payload.id
        report.kind = payload.kind.rawValue
        report.committedAt = record.committedAt.rfc3339
        report.ledgerId = payload.ledger
        report.treeSize = proof.checkpoint.checkpoint.size
        if case .transaction(let tx) = payload.body {
            report.purpose = tx.purpose.rawValue
            report.memo = tx.memo
            report.hours = tx.hours
        }
        // A batch of credits (FORMAT.md §17) shows each credit's two postings, in order.
        if !payload.postingRows.isEmpty {
            report.postings = payload.postingRows.map { PostingInfo(account: $0.account.rawValue, amount: $0.amount) }
        }
        guard proof.index == UInt64(record.seq - 1) else {
            throw ProofFailure(
                "the proof is for leaf \(proof.index), but the record is entry \(record.seq) (leaf \(record.seq - 1))"
            )
        }
        let origin = LogOrigin.origin(ledgerID: payload.ledger)
        guard proof.checkpoint.checkpoint.origin == origin else {
            throw ProofFailure(
                "the checkpoint is for \(proof.checkpoint.checkpoint.origin), but the entry belongs to \(origin)")
        }
        do {
            report.signedBy = try LogOrigin.verify(proof.checkpoint, ledgerID: payload.ledger, by: keys).text
        } catch {
            throw ProofFailure(
                "the checkpoint is not signed by the given log key: \(error); it is signed by \(LogOrigin.signers(of: proof.checkpoint))"
            )
        }
        do {
            try InclusionProof.verify(
                leafHash: record.leafHash, index: proof.index, treeSize: proof.checkpoint.checkpoint.size,
                proof: proof.hashes,
                root: proof.checkpoint.checkpoint.root)
        } catch { throw ProofFailure("the inclusion proof does not lead to the checkpoint's root: \(error)") }
        report.ok = true
    }

    /// The currency of the proof's ledger as its entry 1 signs it, from a daemon of that ledger:
    /// `Session` checks entry 1's admin signature and that it derives the ledger id, so a daemon
    /// cannot make the amounts read otherwise. Nil when none answers; the proof needs no daemon.
    private func currency(ofLedger id: String?) async -> Currency? {
        guard let id, var target = try? connection.target else { return nil }
        target.pinnedLedger = id
        target.pinSource = "the proof"
        target.keyPath = nil
        return try? await Session.with(target) { $0.currency }
    }

    private func show(_ report: Report, currency: Currency?) throws {
        if output.json {
            try printJSON(report)
        } else if let failure = report.failure {
            print("FAILED: \(failure)")
        } else {
            print("OK: entry \(report.seq!) (\(report.kind!), id \(report.entryId!), committed \(report.committedAt!))")
            print("  is entry \(report.seq!) of the \(report.treeSize!) in ledger \(report.ledgerId!)'s checkpoint")
            print("  signed by \(report.signedBy!)")
            if let purpose = report.purpose {
                let hours = report.hours.map { ", \(Hours.phrase($0))" } ?? ""
                print("  \(purpose)\(hours)\(report.memo.map { ": \($0)" } ?? "")")
                for posting in report.postings ?? [] {
                    let sign = posting.amount > 0 ? "+" : ""
                    let amount =
                        currency.map { "\(sign)\($0.format(posting.amount)) \($0.code)" }
                        ?? "\(sign)\(posting.amount) minor units"
                    print("  \(posting.account)  \(amount)")
                }
                if currency == nil {
                    // The proof holds this entry, not the ledger's settings (its entry 1).
                    print("  (no daemon of this ledger answered to say its currency: --socket or --host to ask one)")
                }
            }
        }
    }
}

struct ProofFailure: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

struct Consistency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prove that checkpoint NEW extends checkpoint OLD: nothing OLD covered was changed or dropped.",
        discussion: """
            Both checkpoints' signatures are checked, then the daemon's Merkle consistency proof between \
            their sizes is checked here. Without NEW, the ledger's latest checkpoint is used. Exits 0 when \
            NEW extends OLD, 2 when it does not, 1 on any other error.
            """)

    @Argument(help: "The older checkpoint file.")
    var old: String

    @Argument(help: "The newer checkpoint file (default: the latest).")
    var new: String?

    @OptionGroup var logKeys: LogKeyOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let older = try readCheckpoint(old)
        let given = try new.map(readCheckpoint)
        let (newer, proofLength) = try await Session.with(connection) { session in
            try await checkCheckpoint(older, session: session, logKeys: logKeys, what: "checkpoint \(old)")
            if let given {
                try await checkCheckpoint(given, session: session, logKeys: logKeys, what: "checkpoint \(new!)")
            }
            guard given.map({ older.checkpoint.size <= $0.checkpoint.size }) ?? true else {
                throw ClientFailure(
                    "\(old) covers \(older.checkpoint.size) entries, more than \(new!) (\(given!.checkpoint.size)); swap them"
                )
            }
            if given == nil {
                // A ledger now shorter than a checkpoint it signed was rolled back: a failed check, not a usage error.
                let latest = try await session.client.call(.checkpoint, NoParams(), as: CheckpointResult.self)
                if latest.treeSize < older.checkpoint.size {
                    var stderr = StandardError()
                    print(
                        "FAILED: the ledger holds \(latest.treeSize) entries, fewer than the \(older.checkpoint.size) of \(old): it was cut off or rolled back"
                    )
                    print("noaber: consistency failed: the ledger is shorter than \(old)", to: &stderr)
                    throw ExitCode(2)
                }
            }
            let result = try await session.client.call(
                .consistencyProof,
                ConsistencyProofParams(oldSize: older.checkpoint.size, newSize: given?.checkpoint.size),
                as: ConsistencyProofResult.self)
            let newer: SignedCheckpoint
            if let given {
                newer = given
            } else {
                guard let note = result.checkpoint, let latest = try? SignedCheckpoint(parsing: note) else {
                    throw ClientFailure("the daemon sent no valid latest checkpoint")
                }
                try await checkCheckpoint(latest, session: session, logKeys: logKeys, what: "the daemon's checkpoint")
                newer = latest
            }
            let hashes = try proofHashes(result.hashes)
            guard result.oldSize == older.checkpoint.size, result.newSize == newer.checkpoint.size else {
                throw ClientFailure("the daemon answered for other tree sizes")
            }
            do {
                try ConsistencyProof.verify(
                    oldSize: older.checkpoint.size, newSize: newer.checkpoint.size, oldRoot: older.checkpoint.root,
                    newRoot: newer.checkpoint.root, proof: hashes)
            } catch {
                var stderr = StandardError()
                print(
                    "FAILED: the ledger of \(newer.checkpoint.size) entries does not extend the checkpoint of \(older.checkpoint.size): \(error)"
                )
                print("noaber: consistency failed: \(error)", to: &stderr)
                throw ExitCode(2)
            }
            return (newer, hashes.count)
        }
        print(
            "OK: the checkpoint of \(counted(newer.checkpoint.size, "entry", "entries")) extends the one of \(counted(older.checkpoint.size, "entry", "entries")) (\(counted(proofLength, "proof hash", "proof hashes")));"
        )
        print("entries 1 to \(older.checkpoint.size) are unchanged")
    }
}

extension Proof {
    /// Whether `payload` is entry `id`, or a batch holding the credit `id` (FORMAT.md §17), whose
    /// proof is its batch's.
    static func names(_ payload: Payload, _ id: String) -> Bool {
        if payload.id == id { return true }
        guard case .credits(let batch) = payload.body else { return false }
        return batch.credits.contains { $0.id == id }
    }
}
