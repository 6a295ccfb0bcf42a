package import NoaberCore
import Synchronization

/// The second pass of an import, over a file the first pass (`ImportPlan.check`) found valid:
/// its credits planned a window at a time, so that the client holds the file's bytes and one or
/// two windows of credits whatever the file's length, and one window is sent while the next is
/// read.
package final class ImportStream: Sendable {
    private struct Progress: Sendable {
        var reader: ImportFile.Reader
        var plan = ImportPlan()
    }

    private let progress: Mutex<Progress>
    private let issuer: AccountID
    private let state: LedgerState
    private let builder: CreditBuilder
    private let ledgerID: String
    private let amount: @Sendable (String) throws(AmountProblem) -> Int64

    /// Plans the lines `reader` reads as credits from `issuer`, as `ImportPlan.check` checked them.
    package init(
        _ reader: ImportFile.Reader, issuer: AccountID, state: LedgerState, builder: CreditBuilder, ledgerID: String,
        amount: @escaping @Sendable (String) throws(AmountProblem) -> Int64
    ) {
        progress = Mutex(Progress(reader: reader))
        self.issuer = issuer
        self.state = state
        self.builder = builder
        self.ledgerID = ledgerID
        self.amount = amount
    }

    /// The credits of the next `lines` good lines, in file order; fewer at the end of the file,
    /// none after it.
    package func next(lines: Int) throws -> [ImportPlan.Credit] {
        try progress.withLock { progress throws -> [ImportPlan.Credit] in
            while progress.plan.credits.count < lines, let line = try progress.reader.next() {
                do throws(ImportFile.Problem) {
                    try progress.plan.add(
                        line, issuer: issuer, state: state, builder: builder, ledgerID: ledgerID, amount: amount)
                } catch {
                    // The same bytes against the same snapshot passed the check: only a fault here
                    // could make a line fail now.
                    throw ClientFailure(
                        "line \(line.number) passed the check but not the second reading: \(error.reason)")
                }
            }
            return progress.plan.takeCredits()
        }
    }
}
