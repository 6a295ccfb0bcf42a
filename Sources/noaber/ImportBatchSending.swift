import Foundation
import NoaberClient
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

extension Import {
    /// Format 2 (docs/FORMAT.md §17): leaves out the lines whose credit id the ledger has, then
    /// signs and sends the rest as `credits` entries of up to `--batch-size` lines, each written
    /// whole or not at all.
    func sendBatches(_ plan: ImportPlan, key: Ed25519PrivateKey, session: Session) async throws -> Summary {
        var summary = Summary()
        summary.entries = 0
        let credits = plan.credits
        var used = Set<String>()
        for start in stride(from: 0, to: credits.count, by: UsedIDsParams.maxIDs) {
            let ids = credits[start..<min(start + UsedIDsParams.maxIDs, credits.count)].map(\.payload.id)
            let answer = try await session.client.call(.usedIDs, UsedIDsParams(ids: ids), as: UsedIDsResult.self)
            used.formUnion(answer.used.map(\.id))
        }
        let fresh = credits.filter { !used.contains($0.payload.id) }
        summary.alreadyImported = credits.count - fresh.count
        let batches = ImportBatch.make(
            fresh, issuer: issuer.value, ledgerID: session.ledgerID, size: batchSize ?? CreditBatch.maxCredits)
        var progress = ProgressBar(
            label: "importing", unit: "lines", total: Int64(fresh.count),
            enabled: ProgressBar.wanted(writingToStandardOutput: true))
        var done = 0
        for batch in batches {
            // The same lines sign to the same bytes on every run (salts included), so a rerun replays.
            let (signed, personal) = try Session.sign(batch.payload, with: key, deterministicSalts: true)
            let result: SubmitResult
            do {
                result = try await session.client.call(
                    .submit, SubmitParams(signed, personal: personal), as: SubmitResult.self)
            } catch {
                progress.clear()
                throw ClientFailure(refusal(of: batch, error, written: summary.written))
            }
            if result.replayed {
                summary.alreadyImported += batch.credits.count
            } else {
                summary.written += batch.credits.count
                summary.entries? += 1
            }
            done += batch.credits.count
            progress.update(Int64(done))
        }
        progress.clear()
        return summary
    }

    /// What the user reads when the daemon refuses a batch: its lines, and the line of the credit
    /// the daemon names (`credits[i]`), if it names one.
    private func refusal(of batch: ImportBatch, _ error: any Error, written: Int) -> String {
        let first = batch.credits.first!.line.number
        let last = batch.credits.last!.line.number
        var which = ""
        let text = "\(error)"
        if let open = text.range(of: "credits["), let close = text[open.upperBound...].firstIndex(of: "]"),
            let index = Int(text[open.upperBound..<close]), let line = batch.line(ofCredit: index)
        {
            which = " at line \(line)"
        }
        return
            "the batch of lines \(first)–\(last) was refused\(which), nothing of it was written (\(error)); \(written) lines of earlier batches were; fix the file and run it again: those are skipped"
    }
}
