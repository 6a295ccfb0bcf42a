import Dispatch
package import NoaberCore
package import NoaberCrypto
import Synchronization

// The first pass of an import on both cores: while it runs, nothing is sent and the daemon waits,
// so its half of a million lines' reading is wall time saved (Benchmarks/README.md, "The import
// path", fifth round).

extension ImportPlan {
    /// `check` of the lines `reader` has still to read, in two halves on two threads, their totals
    /// added; nil where that could decide otherwise than one pass, and then the caller checks in
    /// one pass: when a half has a problem (whose every reason one pass names), a record crosses
    /// the split, a line of the second half repeats one of the first, or the total overflows.
    /// Credits' amounts are positive, so the one pass's running total overflows exactly when
    /// the sum of the halves' does. Nil too if `issuer` cannot pay or `signer` not sign for it.
    package static func checkInHalves(
        _ reader: ImportFile.Reader, issuer: AccountID, signer: KeyID, state: LedgerState, builder: CreditBuilder,
        ledgerID: String, amount: @Sendable (String) throws(AmountProblem) -> Int64
    ) -> ImportPlan? {
        guard (try? state.payingAccount(issuer, purpose: .credit, signer: signer)) != nil,
            let (first, second) = reader.halves()
        else { return nil }
        let halves = Mutex<[(plan: ImportPlan, reader: ImportFile.Reader)?]>([nil, nil])
        DispatchQueue.concurrentPerform(iterations: 2) { half in
            var reader = half == 0 ? first : second
            var plan = ImportPlan(keepsCredits: false)
            do {
                while let line = try reader.next() {
                    try plan.add(
                        line, issuer: issuer, state: state, builder: builder, ledgerID: ledgerID, amount: amount)
                }
            } catch {
                return  // one pass names the problem
            }
            guard reader.problems.isEmpty else { return }
            halves.withLock { $0[half] = (plan, reader) }
        }
        let (one, two) = halves.withLock { ($0[0], $0[1]) }
        guard let one, let two, one.reader.place == second.place, !one.reader.repeatsALine(of: two.reader) else {
            return nil
        }
        var plan = one.plan
        guard plan.add(two.plan) else { return nil }
        return one.reader.count + two.reader.count > 0 ? plan : nil
    }

    /// Adds the totals of `other`; false if the total overflows.
    mutating func add(_ other: ImportPlan) -> Bool {
        let (sum, overflow) = total.addingReportingOverflow(other.total)
        guard !overflow else { return false }
        total = sum
        totals.credits += other.totals.credits
        totals.volunteers.formUnion(other.totals.volunteers)
        totals.hundredths += other.totals.hundredths
        totals.byGroup.merge(other.totals.byGroup, uniquingKeysWith: +)
        return true
    }
}
