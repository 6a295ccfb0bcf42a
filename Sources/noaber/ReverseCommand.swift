import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

struct Reverse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct a mistake: a new entry that undoes an earlier transaction exactly (once per entry).",
        discussion: """
            Name the transaction by its seq, the number `noaber history` and `noaber statement` show \
            (`noaber reverse 16`), or by its entry id. Nothing is changed or deleted: the reversal names \
            the original and moves its amounts back, and statements show the reason beside it. Signed by \
            an admin or operator (or by keys that control every account it takes from). It must itself \
            respect the accounts' limits; if one would go below its minimum, it is refused naming that \
            account.
            """)

    @Argument(help: "The seq or the entry id of the transaction to undo.")
    var entry: String

    @Option(help: "Why, for the record (required).")
    var reason: String

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let (result, original) = try await Session.with(connection) { session in
            var original = try await Self.find(entry, session)
            let decoded = Data(base64Encoded: original.payload).flatMap { try? Payload.decode(Array($0)).body }
            var found: Transaction?
            switch decoded {
            case .transaction(let tx)?: found = tx
            case .credits(let batch)?:
                // A credit of a batch is reversed on its own, by its credit id (docs/FORMAT.md §17).
                if let index = batch.credits.firstIndex(where: { $0.id == entry }) {
                    found = batch.transaction(index)
                    original.id = entry
                }
            default: break
            }
            if case .credits(let batch)? = decoded, found == nil {
                throw ClientFailure(
                    "entry \(original.seq) (\(original.id)) is a batch of \(batch.credits.count) credits; reverse one of them by its credit id, as `noaber history` shows it"
                )
            }
            guard let tx = found else {
                throw ClientFailure(
                    "entry \(original.seq) (\(original.id)) is not a transaction; only transactions can be reversed")
            }
            guard tx.purpose != .reversal else {
                throw ClientFailure(
                    "entry \(original.seq) (\(original.id)) is itself a reversal; to undo it, make a new entry")
            }
            let body = Transaction(
                purpose: .reversal, postings: tx.postings.map { Posting(account: $0.account, amount: -$0.amount) },
                reverses: original.id, reason: reason)
            return (try await session.submit(.transaction(body), signing: signing), original)
        }
        try printReceipt(result, "entry \(original.seq) (\(original.id)) reversed", output: output)
    }

    /// The entry `text` names: digits only are a seq, anything else an entry id. An entry id of
    /// digits only (chosen with `--id`) is still found when no entry has that seq; when both exist
    /// and differ, the user says which, rather than the CLI guessing at a correction.
    static func find(_ text: String, _ session: Session) async throws -> EntryInfo {
        func get(_ params: EntryGetParams) async throws -> EntryInfo? {
            do { return try await session.client.call(.entryGet, params, as: EntryInfo.self) } catch ClientError.rpc(
                let error) where error.isNotFound
            {
                return nil
            }
        }
        let byID = try await get(EntryGetParams(id: text))
        guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }), let seq = Int64(text) else {
            guard let byID else { throw ClientFailure("entry \(text) not found") }
            return byID
        }
        let bySeq = try await get(EntryGetParams(seq: seq))
        switch (bySeq, byID) {
        case (let numbered?, let named?) where numbered.seq != named.seq:
            throw ClientFailure(
                "\(text) names two entries: seq \(text) is entry \(numbered.id), and entry id \(text) is seq \(named.seq); give `\(numbered.id)` for the first or `\(named.seq)` for the second"
            )
        case (let found?, _), (nil, let found?): return found
        case (nil, nil): throw ClientFailure("no entry has seq \(text) or entry id \(text)")
        }
    }
}
