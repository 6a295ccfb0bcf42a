import NoaberAudit
import NoaberClient
import NoaberCore
import NoaberCrypto
import Testing

/// An import file is judged once, its form and the ledger's rules together, so that a person
/// fixes it in one round (issue #12).
@Suite("Planning an import: the form and the rules in one pass")
struct ImportOnePassTests {
    let coordinator = try! Ed25519PrivateKey.generate().publicKey
    let stranger = try! Ed25519PrivateKey.generate().publicKey
    let issuer = try! AccountID("org:zorgkring")

    func key(_ publicKey: Ed25519PublicKey, _ role: KeyRole, revoked: Int64? = nil) -> LedgerState.Key {
        LedgerState.Key(
            id: publicKey.keyID, publicKey: publicKey, label: "k", role: role, addedSeq: 2, revokedSeq: revoked)
    }

    func state(issuerStatus: AccountStatus = .open, coordinatorRevoked: Int64? = nil) -> LedgerState {
        func account(_ id: String, _ kind: AccountKind, _ status: AccountStatus = .open) -> LedgerState.Account {
            LedgerState.Account(
                id: try! AccountID(id), kind: kind, name: id, minBalance: kind == .issuer ? -1_000_000 : 0,
                controllers: kind == .issuer ? [coordinator.keyID] : [], status: status, balance: 0, openedSeq: 3)
        }
        return LedgerState(
            ledger: nil,
            keys: [key(coordinator, .operator, revoked: coordinatorRevoked), key(stranger, .operator)],
            accounts: [
                account("org:zorgkring", .issuer, issuerStatus), account("vol:piet", .member),
                account("shop:bakker", .merchant), account("vol:jan", .member, .closed), account("vol:anna", .member),
            ])
    }

    func plan(
        _ csv: String, signer: KeyID? = nil, state: LedgerState? = nil
    ) throws -> (ImportPlan, [ImportFile.Problem]) {
        let file = try ImportFile.parse(csv, source: "f.csv", today: CalendarDate("2026-12-06")!)
        return ImportPlan.make(
            file, issuer: issuer, signer: signer ?? coordinator.keyID, state: state ?? self.state(),
            builder: CreditBuilder(ledgerRate: 1000, categoryRates: ["boodschappen": 1200]), ledgerID: "L",
            amount: { text throws(AmountProblem) in
                do { return try Money.parse(text, scale: 2) } catch let error as LedgerError {
                    throw .malformed(error)
                } catch { throw .zero }
            })
    }

    @Test func threeFormErrorsAndThreeLedgerErrorsComeOutTogetherInLineOrder() throws {
        let (plan, problems) = try plan(
            """
            account,date,hours,amount,category
            vol:piet,2026-11-03,1,,
            vol:piet,2026-11-31,1,,
            vol:nobody,2026-11-04,1,,
            vol:piet,2026-11-05,1.234,,
            shop:bakker,2026-11-06,1,,
            vol:piet,2026-11-07,1,5,
            vol:piet,2026-11-08,1,,tuin
            vol:piet,2026-11-09,2,,boodschappen

            """)
        #expect(plan.credits.map(\.line.number) == [2, 9] && plan.total == 1000 + 2400)
        #expect(problems.map(\.line) == [3, 4, 5, 6, 7, 8])
        #expect(problems[0].reason == "the date must be YYYY-MM-DD, not \"2026-11-31\"")
        #expect(problems[1].reason == "account vol:nobody does not exist")
        #expect(problems[2].reason.hasPrefix("invalid hours"))
        #expect(problems[3].reason == "a credit may only pay to member accounts; shop:bakker is a merchant")
        #expect(problems[4].reason == "give hours or an amount, not both")
        #expect(problems[5].reason == "category tuin does not exist")
    }

    /// The two passes of `noaber import`: the check keeps the totals and the problems but no
    /// credit, and the stream hands out the very credits a whole plan holds, a window at a time.
    @Test func theCheckKeepsNoCreditAndTheStreamHandsOutThePlanInWindows() throws {
        let good = (1...7).map { "vol:piet,2026-11-0\($0),\($0),,\($0 % 2 == 0 ? "boodschappen" : "")" }
        let csv = "account,date,hours,amount,category\n" + good.joined(separator: "\n") + "\n\nvol:piet,,,3.00,\n"
        let (whole, wholeProblems) = try plan(csv)
        let today = CalendarDate("2026-12-06")!
        let builder = CreditBuilder(ledgerRate: 1000, categoryRates: ["boodschappen": 1200])
        let amount: @Sendable (String) throws(AmountProblem) -> Int64 = { text throws(AmountProblem) in
            do { return try Money.parse(text, scale: 2) } catch { throw .zero }
        }
        var reader = try ImportFile.Reader(Array(csv.utf8), source: "f.csv", today: today)
        let (checked, problems) = try ImportPlan.check(
            &reader, source: "f.csv", issuer: issuer, signer: coordinator.keyID, state: state(), builder: builder,
            ledgerID: "L", amount: amount)
        #expect(checked.credits.isEmpty && reader.count == 8)
        #expect(problems.map(\.description) == wholeProblems.map(\.description))
        #expect(problems.map(\.line) == [10])
        #expect(checked.total == whole.total && checked.totals.credits == 7)
        #expect(checked.totals.byGroup == whole.totals.byGroup && checked.totals.hundredths == 2800)
        #expect(
            checked.totals.byGroup == ["boodschappen": 1200 * (2 + 4 + 6), "(ledger rate)": 1000 * (1 + 3 + 5 + 7)])

        let stream = ImportStream(
            try ImportFile.Reader(Array(csv.utf8), source: "f.csv", today: today), issuer: issuer, state: state(),
            builder: builder, ledgerID: "L", amount: amount)
        var windows: [[ImportPlan.Credit]] = []
        while case let window = try stream.next(lines: 3), !window.isEmpty { windows.append(window) }
        #expect(windows.map(\.count) == [3, 3, 1])
        let streamed = windows.joined().map { $0.payload.id }
        #expect(streamed == whole.credits.map(\.payload.id) && streamed.count == 7)
    }

    @Test func aLineWrongInFormIsAlsoAskedAboutItsAccountCategoryAndAmount() throws {
        let (_, problems) = try plan(
            "account,date,hours,amount,category\nvol:jan,2026-12-07,1,,tuin\nvol:nobody,someday,,1.234,\n")
        #expect(
            problems.map(\.reasons) == [
                [
                    "the date 2026-12-07 is after today: care is credited once given", "account vol:jan is closed",
                    "category tuin does not exist",
                ],
                [
                    "the date must be YYYY-MM-DD, not \"someday\"", "account vol:nobody does not exist",
                    "invalid amount: \"1.234\" has 3 decimals; this currency has 2",
                ],
            ])
    }

    @Test func aLineRightInFormIsNamedWithEveryRuleItBreaks() throws {
        let (_, problems) = try plan("account,date,hours,category\nvol:nobody,2026-11-01,1,tuin\n")
        #expect(problems.map(\.reasons) == [["account vol:nobody does not exist", "category tuin does not exist"]])
    }

    @Test func anIssuerTheKeyCannotPayFromIsSaidFirstBesideTheLines() throws {
        let csv = "account,date,hours\nvol:piet,2026-11-01,1\nvol:nobody,2026-11-01,1\n"
        let (_, problems) = try plan(csv, signer: stranger.keyID)
        #expect(problems.map(\.line) == [nil, 3])
        #expect(
            problems[0].description
                == "--issuer org:zorgkring cannot pay these credits: not authorised: key \(stranger.keyID.hex) does not control account org:zorgkring"
        )
        let (_, revoked) = try plan(csv, state: state(coordinatorRevoked: 7))
        #expect(revoked.first?.reason.hasSuffix("was revoked by entry 7 and can no longer sign") == true)
        let (_, frozen) = try plan(csv, state: state(issuerStatus: .frozen))
        #expect(
            frozen.first?.reason == "--issuer org:zorgkring cannot pay these credits: account org:zorgkring is frozen")
    }

    /// A window's credits go into batches by account, each account's in file order, so that a
    /// batch pays few volunteers (Benchmarks/README.md, "The import path"); each keeps its line.
    @Test func batchesTakeTheCreditsByAccountEachInFileOrder() throws {
        let (plan, problems) = try plan(
            """
            account,date,hours,amount,category
            vol:piet,2026-11-03,1,,
            vol:anna,2026-11-03,2,,
            vol:piet,2026-11-04,3,,
            vol:anna,2026-11-05,4,,
            vol:piet,2026-11-05,5,,

            """)
        #expect(problems.isEmpty)
        let batches = ImportBatch.make(plan.credits, issuer: issuer, ledgerID: "L", size: 2)
        #expect(batches.map(\.lines) == [[3, 5], [2, 4], [6]])
        let accounts = batches.map { batch -> [String] in
            guard case .credits(let credits) = batch.payload.body else { return [] }
            return credits.credits.map { "\($0.account) \($0.hours ?? "")" }
        }
        #expect(accounts == [["vol:anna 2", "vol:anna 4"], ["vol:piet 1", "vol:piet 3"], ["vol:piet 5"]])
        #expect(batches[1].line(ofCredit: 1) == 4)
    }
}
