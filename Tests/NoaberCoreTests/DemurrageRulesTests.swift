import NoaberCore
import NoaberCrypto
import Testing

/// Demurrage: computed by the rules from the state and the commit time, written by the log key,
/// once per period, in order, never skipped.
@Suite("Ledger rules: demurrage")
struct DemurrageRulesTests {
    static func time(_ text: String) -> Timestamp { Timestamp(rfc3339: text)! }

    /// The community with a log key, Jan holding 100.00, the baker 50.00, and 1 % a month on.
    static func community(
        rate: Int64 = 10_000, period: DemurragePeriod = .month
    ) throws -> (Community, Ed25519PrivateKey) {
        var c = try Community()
        let log = try Ed25519PrivateKey.generate()
        try c.ledger.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: log.publicKey, label: "log", role: .log))))
        try c.credit("vol:jan", hours: "15")
        try c.ledger.submit(try tx(.redeem, ("vol:jan", -5000), ("shop:bakker", 5000)), by: c.jan)
        try c.ledger.submit(
            .ledgerSettings(
                LedgerSettings(
                    demurrage: Demurrage(ratePPM: rate, period: period, account: try AccountID("org:zorgkring")))))
        return (c, log)
    }

    /// Writes every demurrage entry due at `now`, as the daemon does; returns them.
    @discardableResult
    static func charge(_ c: inout Community, log: Ed25519PrivateKey) throws -> [Transaction] {
        var written: [Transaction] = []
        while let due = c.ledger.state.dueDemurrage(at: c.ledger.now) {
            try c.ledger.submit(.transaction(due), by: log)
            written.append(due)
        }
        return written
    }

    @Test func periodsStartAtUTCMidnights() {
        #expect(
            DemurragePeriod.month.firstStart(after: Self.time("2026-12-31T23:59:59.999Z"))
                == Self.time("2027-01-01T00:00:00.000Z"))
        #expect(
            DemurragePeriod.month.firstStart(after: Self.time("2027-01-01T00:00:00.000Z"))
                == Self.time("2027-02-01T00:00:00.000Z"))
        #expect(
            DemurragePeriod.day.firstStart(after: Self.time("2028-02-28T12:00:00.000Z"))
                == Self.time("2028-02-29T00:00:00.000Z"))
        // 2026-11-23 is a Monday: the next week starts on the 30th.
        #expect(
            DemurragePeriod.week.firstStart(after: Self.time("2026-11-23T00:00:00.000Z"))
                == Self.time("2026-11-30T00:00:00.000Z"))
        #expect(
            DemurragePeriod.week.firstStart(after: Self.time("2026-11-22T23:00:00.000Z"))
                == Self.time("2026-11-23T00:00:00.000Z"))
    }

    @Test func theChargeIsRoundedDownAndNeverBelowTheMinimum() {
        let d = Demurrage(ratePPM: 10_000, period: .month, account: try! AccountID("org:x"))
        #expect(d.charge(on: 199) == 1)
        #expect(d.charge(on: 99) == 0)
        #expect(d.charge(on: 0) == 0)
        #expect(d.charge(on: -500) == 0)
        #expect(
            Demurrage(ratePPM: 500_000, period: .day, account: try! AccountID("org:x")).charge(on: Int64.max) == Int64
                .max / 2)
    }

    @Test func aDuePeriodIsChargedBeforeAnythingElse() throws {
        var (c, log) = try Self.community()
        #expect(c.ledger.state.settings.demurrageNext == Self.time("2026-12-01T00:00:00.000Z"))
        c.ledger.now = Self.time("2026-11-30T23:59:59.999Z")
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan)
        c.ledger.now = Self.time("2026-12-01T08:00:00.000Z")
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan),
            .demurrageDue(period: "2026-12-01"))
        let due = try #require(c.ledger.state.dueDemurrage(at: c.ledger.now))
        // Jan 99.00, Piet 1.00, the baker 50.00: 1 % each, in order of account id, back to the issuer.
        #expect(due.period == "2026-12-01")
        #expect(due.postings.map(\.amount) == [-50, -99, -1, 150])
        #expect(due.postings.map(\.account.rawValue) == ["shop:bakker", "vol:jan", "vol:piet", "org:zorgkring"])
        // Only the log key writes it, and only exactly as computed.
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(due)), reason: "unauthorized", mentioning: ["only the daemon's log key"])
        var wrong = due
        wrong.postings[0].amount = -49
        wrong.postings[3].amount = 149
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(wrong), by: log), reason: "invalid_payload",
            mentioning: ["3 charges of 10000 ppm"])
        wrong = due
        wrong.period = "2027-01-01"
        c.ledger.expectRefusal(
            try c.ledger.sign(.transaction(wrong), by: log), reason: "invalid_payload",
            mentioning: ["period due is the one starting 2026-12-01"])
        // Nor can the log key sign anything else.
        c.ledger.expectRefusal(
            try c.ledger.sign(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: log), reason: "unauthorized")
        try c.ledger.submit(.transaction(due), by: log)
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan)
        #expect(c.ledger.state.settings.demurrageNext == Self.time("2027-01-01T00:00:00.000Z"))
        #expect(c.ledger.balanceSum == 0)
    }

    @Test func missedPeriodsAreCaughtUpInOrderEachOnce() throws {
        var (c, log) = try Self.community()
        // Down from November to mid-March: December, January, February and March are due.
        c.ledger.now = Self.time("2027-03-15T10:00:00.000Z")
        let written = try Self.charge(&c, log: log)
        #expect(written.map(\.period) == ["2026-12-01", "2027-01-01", "2027-02-01", "2027-03-01"])
        // Compounded: 100.00 → 99.00 → 98.01 → 97.03 → 96.06 (each 1 %, rounded down).
        #expect(try c.ledger.balance("vol:jan") == 10_000 - 100 - 99 - 98 - 97)
        #expect(c.ledger.state.settings.demurrageNext == Self.time("2027-04-01T00:00:00.000Z"))
        #expect(c.ledger.state.dueDemurrage(at: c.ledger.now) == nil)
        #expect(c.ledger.balanceSum == 0)
    }

    @Test func periodsThatChargeNobodyPassWithoutAnEntry() throws {
        var c = try Community()
        try c.ledger.submit(
            .keyAdd(
                KeyAdd(key: KeySpec(publicKey: try Ed25519PrivateKey.generate().publicKey, label: "log", role: .log))))
        try c.ledger.submit(
            .ledgerSettings(
                LedgerSettings(
                    demurrage: Demurrage(ratePPM: 10_000, period: .week, account: try AccountID("org:zorgkring")))))
        c.ledger.now = Self.time("2027-01-06T10:00:00.000Z")
        #expect(c.ledger.state.dueDemurrage(at: c.ledger.now) == nil)
        try c.credit("vol:jan", hours: "1")
        // Passed over up to the week after the credit's time; the credit is charged from then on.
        #expect(c.ledger.state.settings.demurrageNext == Self.time("2027-01-11T00:00:00.000Z"))
        #expect(c.ledger.state.dueDemurrage(at: Self.time("2027-01-11T00:00:00.000Z"))?.postings.count == 2)
    }

    @Test func manyAccountsAreChargedInEntriesOf99() throws {
        var (c, log) = try Self.community(rate: 500_000, period: .day)
        for n in 0..<150 {
            let id = "vol:v\(String(1000 + n))"
            try c.ledger.submit(try c.open(id, .member, c.piet), by: c.coordinator)
            try c.ledger.submit(try tx(.credit, ("org:zorgkring", -10), (id, 10)), by: c.coordinator)
        }
        c.ledger.now = Self.time("2026-11-03T00:00:00.000Z")
        let written = try Self.charge(&c, log: log)
        // 152 accounts hold coins (150 new, Jan, the baker): 99, then 53, then the period is done.
        #expect(written.map { $0.postings.count - 1 } == [99, 53])
        #expect(written.allSatisfy { $0.period == "2026-11-03" })
        #expect(try c.ledger.balance("vol:v1149") == 5)
        #expect(c.ledger.state.settings.demurrageNext == Self.time("2026-11-04T00:00:00.000Z"))
        #expect(c.ledger.state.settings.demurrageCursor == nil)
    }

    @Test func settingsNeedALogKeyAnOpenIssuerAndASaneRate() throws {
        var c = try Community()
        let issuer = try AccountID("org:zorgkring")
        c.ledger.expectRefusal(
            try c.ledger.sign(
                .ledgerSettings(LedgerSettings(demurrage: Demurrage(ratePPM: 10_000, period: .month, account: issuer)))),
            reason: "invalid_payload", mentioning: ["no active log key"])
        let log = try Ed25519PrivateKey.generate()
        try c.ledger.submit(.keyAdd(KeyAdd(key: KeySpec(publicKey: log.publicKey, label: "log", role: .log))))
        for rate: Int64 in [0, 500_001] {
            c.ledger.expectRefusal(
                try c.ledger.sign(
                    .ledgerSettings(
                        LedgerSettings(demurrage: Demurrage(ratePPM: rate, period: .month, account: issuer)))),
                reason: "invalid_amount")
        }
        c.ledger.expectRefusal(
            try c.ledger.sign(
                .ledgerSettings(
                    LedgerSettings(demurrage: Demurrage(ratePPM: 1, period: .month, account: try AccountID("vol:jan"))))
            ),
            reason: "invalid_payload", mentioning: ["issuer"])
        try c.ledger.submit(
            .ledgerSettings(LedgerSettings(demurrage: Demurrage(ratePPM: 1, period: .month, account: issuer))))
        // While it receives demurrage, the issuer stays open, and the last log key stays.
        c.ledger.expectRefusal(
            try c.ledger.sign(.accountUpdate(AccountUpdate(account: issuer, status: .frozen))),
            reason: "invalid_payload",
            mentioning: ["receives the ledger's demurrage"])
        c.ledger.expectRefusal(
            try c.ledger.sign(.keyRevoke(KeyRevoke(keyID: log.publicKey.keyID, reason: nil))), reason: "unauthorized")
        try c.ledger.submit(.ledgerSettings(LedgerSettings()))
        #expect(c.ledger.state.settings == LedgerState.Settings())
        try c.ledger.submit(.keyRevoke(KeyRevoke(keyID: log.publicKey.keyID, reason: nil)))
    }

    /// The verifier replays demurrage from the commit times alone, and agrees.
    @Test func aReplayComputesTheSameCharges() throws {
        var (c, log) = try Self.community()
        c.ledger.now = Self.time("2027-02-10T10:00:00.000Z")
        let start = try TestLedger().now
        let written = try Self.charge(&c, log: log)
        #expect(written.count == 3)
        try c.ledger.submit(try tx(.transfer, ("vol:jan", -100), ("vol:piet", 100)), by: c.jan)
        // The fixture's own commit times: everything before the catch-up at the start.
        let times = (0..<c.ledger.accepted.count).map { i in i < c.ledger.accepted.count - 4 ? start : c.ledger.now }
        var verifier = Verifier()
        for stored in try Chain.commit(c.ledger.accepted, times: times) { try verifier.check(stored) }
        #expect(verifier.state.settings == c.ledger.state.settings)
        #expect(verifier.state.accounts == c.ledger.state.accounts)
        // Committed a month later, the same charge is not the one due: the replay refuses it.
        var late = times
        for i in (late.count - 4)..<late.count { late[i] = Self.time("2027-03-02T00:00:00.000Z") }
        var replay = Verifier()
        #expect(throws: VerificationFailure.self) {
            for stored in try Chain.commit(c.ledger.accepted, times: late) { try replay.check(stored) }
        }
    }
}
