import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberProtocol

struct Reverse: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Correct a mistake: a new entry that undoes an earlier transaction exactly (once per entry).",
        discussion: """
            Nothing is changed or deleted: the reversal names the original and moves its amounts back. \
            Signed by an admin or operator (or by keys that control every account it takes from). It \
            must itself respect the accounts' limits; if one would go below its minimum, it is refused \
            naming that account.
            """)

    @Argument(help: "The entry id of the transaction to undo.")
    var entryID: String

    @Option(help: "Why, for the record (required).")
    var reason: String

    @OptionGroup var signing: SigningOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let result = try await Session.with(connection) { session in
            guard case .transaction(let original)? = try await session.payload(ofEntry: entryID)?.body else {
                throw ClientFailure("entry \(entryID) is not a transaction; only transactions can be reversed")
            }
            guard original.purpose != .reversal else {
                throw ClientFailure("entry \(entryID) is itself a reversal; to undo it, make a new entry")
            }
            let body = Transaction(
                purpose: .reversal,
                postings: original.postings.map { Posting(account: $0.account, amount: -$0.amount) },
                reverses: entryID, reason: reason)
            return try await session.submit(.transaction(body), signing: signing)
        }
        try printReceipt(result, "entry \(entryID) reversed", output: output)
    }
}
