import NoaberAudit
import NoaberClient
import NoaberCore
import Testing

@Suite("Credits: one builder for credit, import and approve")
struct CreditTests {
    let issuer = try! AccountID("org:zorgkring")
    let piet = try! AccountID("vol:piet")
    let builder = CreditBuilder(ledgerRate: 1000, categoryRates: ["boodschappen": 1200])

    @Test func hoursArePaidAtTheCategoryRateOrElseTheLedgers() throws {
        let withCategory = try builder.credit(
            from: issuer, to: piet, .hours(try Hours("1.5"), category: "boodschappen"), memo: "m",
            careDate: "2026-11-01")
        #expect(withCategory.amount == 1800 && withCategory.rate == 1200)
        let tx = withCategory.transaction
        #expect(tx.purpose == .credit && tx.hours == "1.5" && tx.hourRate == 1200 && tx.category == "boodschappen")
        #expect(tx.memo == "m" && tx.careDate == "2026-11-01" && tx.claim == nil)
        #expect(tx.postings == [Posting(account: issuer, amount: -1800), Posting(account: piet, amount: 1800)])
        let plain = try builder.credit(from: issuer, to: piet, .hours(try Hours("2"), category: nil))
        #expect(plain.amount == 2000 && plain.transaction.hourRate == 1000 && plain.transaction.category == nil)
    }

    @Test func anAmountCarriesNoHoursOrRate() throws {
        let credit = try builder.credit(from: issuer, to: piet, .amount(550))
        #expect(credit.rate == nil && credit.transaction.hours == nil && credit.transaction.hourRate == nil)
        #expect(
            credit.transaction
                == Transaction(
                    purpose: .credit,
                    postings: [Posting(account: issuer, amount: -550), Posting(account: piet, amount: 550)]))
    }

    @Test func anUnknownCategoryOrAnUnpayableHourIsATypedFailure() throws {
        #expect {
            try builder.credit(from: issuer, to: piet, .hours(try Hours("1"), category: "tuin"))
        } throws: { error in
            guard case CreditBuilder.Failure.unknownCategory("tuin") = error else { return false }
            return true
        }
        let odd = CreditBuilder(ledgerRate: 3)
        #expect {
            try odd.credit(from: issuer, to: piet, .hours(try Hours("0.01"), category: nil))
        } throws: { error in
            guard case CreditBuilder.Failure.hours = error else { return false }
            return true
        }
    }

    @Test func approvingAClaimPaysExactlyWhatItAsks() throws {
        let claim = Claim(
            account: piet, issuer: issuer, hours: "2", hourRate: 900, amount: 1800, category: "tuin",
            careDate: "2026-11-02", memo: "garden")
        let tx = CreditBuilder.approving(claim, id: "c-1")
        #expect(tx.postings == [Posting(account: issuer, amount: -1800), Posting(account: piet, amount: 1800)])
        #expect(
            tx.hours == "2" && tx.hourRate == 900 && tx.category == "tuin" && tx.careDate == "2026-11-02"
                && tx.memo == "garden" && tx.claim == "c-1")
    }
}

@Suite("Planning an import against the ledger's rules")
struct ImportPlanTests {
    static func account(_ id: String, _ kind: AccountKind, _ status: AccountStatus = .open) -> LedgerState.Account {
        LedgerState.Account(
            id: try! AccountID(id), kind: kind, name: id, minBalance: kind == .issuer ? -1_000_000 : 0, controllers: [],
            status: status,
            balance: 0, openedSeq: 2)
    }

    let state = LedgerState(
        ledger: nil, keys: [],
        accounts: [
            account("org:zorgkring", .issuer), account("vol:piet", .member), account("vol:jan", .member, .frozen),
            account("shop:bakker", .merchant),
        ])
    let builder = CreditBuilder(ledgerRate: 1000, categoryRates: ["boodschappen": 1200])

    func plan(_ csv: String) throws -> (ImportPlan, [ImportFile.Problem]) {
        let lines = try ImportFile.parse(csv, source: "f.csv", today: CalendarDate("2026-11-30")!).lines
        return ImportPlan.make(
            lines, issuer: try AccountID("org:zorgkring"), state: state, builder: builder, ledgerID: "L",
            amount: { text throws(AmountProblem) in
                do { return try Money.parse(text, scale: 2) } catch let error as LedgerError {
                    throw .malformed(error)
                } catch { throw .zero }
            })
    }

    @Test func goodLinesBecomeSignedReadyPayloads() throws {
        let (plan, problems) = try plan(
            "account,date,hours,amount,category\nvol:piet,2026-11-01,1.5,,boodschappen\nvol:piet,2026-11-02,,2.50,\nvol:piet,2026-11-03,1,,\n"
        )
        #expect(problems.isEmpty)
        #expect(plan.credits.map(\.amount) == [1800, 250, 1000] && plan.total == 3050)
        #expect(plan.credits.map(\.group) == ["boodschappen", "(amount)", "(ledger rate)"])
        #expect(plan.credits.allSatisfy { $0.payload.ledger == "L" && $0.payload.id.hasPrefix("imp-") })
        guard case .transaction(let tx) = plan.credits[1].payload.body else {
            Issue.record("not a transaction")
            return
        }
        #expect(tx.careDate == "2026-11-02" && tx.hours == nil)
    }

    @Test func linesTheRulesWouldRefuseAreNamedWithTheRulesReason() throws {
        let (plan, problems) = try plan(
            "account,date,hours,amount,category\nvol:nobody,2026-11-01,1,,\nshop:bakker,2026-11-01,1,,\nvol:jan,2026-11-01,1,,\nvol:piet,2026-11-01,1,,tuin\nvol:piet,2026-11-02,,1.234,\n"
        )
        #expect(plan.credits.isEmpty)
        #expect(problems.map(\.line) == [2, 3, 4, 5, 6])
        #expect(problems[0].reason == LedgerError.unknownAccount(try AccountID("vol:nobody")).message)
        #expect(problems[1].reason.contains("a credit may only pay to member accounts; shop:bakker is a merchant"))
        #expect(problems[2].reason == LedgerError.accountNotOpen(try AccountID("vol:jan"), status: "frozen").message)
        #expect(problems[3].reason == "category tuin does not exist")
        #expect(problems[4].reason.contains("decimals"))
    }
}
