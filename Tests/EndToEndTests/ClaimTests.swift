import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// Claims through the real CLI and daemon (issue #4): claimed by the volunteer, decided once by
/// the coordinator, expired by the daemon's clock (run ahead with faketime, no waiting).
@Suite("Claims against a real daemon")
struct ClaimTests {
    struct ClaimsOutput: Decodable {
        var claims: [ClaimInfo]
        var claimExpiryDays: Int
    }

    @Test func claimApproveOnceRejectAndExpire() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        try daemon.ok("category", "set", "persoonlijke-verzorging", "--rate", "20.00", "--key", "admin.key")
        let before = try daemon.balance("vol:jan-peeters")

        // Jan claims with his own key; the account is the one his key controls.
        let claimed = try daemon.ok(
            "claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "1.5", "--category",
            "persoonlijke-verzorging",
            "--care-date", "2026-11-20", "--memo", "douchen mevrouw Jansen", "--id", "claim-1")
        #expect(
            claimed.contains("claim claim-1: vol:jan-peeters claims 1.5 hours = 30.00 ZMT from org:zorgkring; pending"),
            "\(claimed)")
        #expect(try daemon.balance("vol:jan-peeters") == before, "a claim moves no money")
        try daemon.ok(
            "claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "2", "--memo", "tuin", "--id",
            "claim-2")
        try daemon.ok(
            "claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "1", "--memo", "te laat", "--id",
            "claim-3")

        let pending = try daemon.json(ClaimsOutput.self, "claims", "--pending")
        #expect(pending.claims.map(\.claimId) == ["claim-1", "claim-2", "claim-3"])
        #expect(
            pending.claims.allSatisfy { $0.status == "pending" && $0.expiresAt != nil } && pending.claimExpiryDays == 60
        )
        #expect(try daemon.ok("claims", "--pending").contains("claim-1"))

        // Only the issuer's coordinator decides; Jan cannot approve his own claim.
        let own = try daemon.noaber("approve", "claim-1", "--key", "jan.key")
        #expect(own.status != 0 && own.stderr.contains("does not control account org:zorgkring"), "\(own.stderr)")
        let approved = try daemon.ok("approve", "claim-1", "--key", "coord.key")
        #expect(
            approved.contains(
                "claim claim-1 approved: credit 1.5 hours = 30.00 ZMT from org:zorgkring to vol:jan-peeters"),
            "\(approved)")
        #expect(try daemon.balance("vol:jan-peeters") == before + 3000)
        let twice = try daemon.noaber("approve", "claim-1", "--key", "coord.key")
        #expect(
            twice.status != 0 && twice.stderr.contains("claim claim-1 was already decided, by entry"), "\(twice.stderr)"
        )
        #expect(try daemon.balance("vol:jan-peeters") == before + 3000, "approving twice pays once")

        let rejected = try daemon.ok(
            "reject", "claim-2", "--reason", "al vergoed via de gemeente", "--key", "coord.key")
        #expect(rejected.contains("claim claim-2 rejected"), "\(rejected)")
        let approveRejected = try daemon.noaber("approve", "claim-2", "--key", "coord.key")
        #expect(approveRejected.status != 0 && approveRejected.stderr.contains("already decided"))
        let noReason = try daemon.noaber("reject", "claim-3", "--key", "coord.key")
        #expect(noReason.status != 0 && noReason.stderr.contains("--reason"))
        let notAClaim = try daemon.noaber("approve", "no-such-claim", "--key", "coord.key")
        #expect(notAClaim.status != 0 && notAClaim.stderr.contains("not found"), "\(notAClaim.stderr)")
        let bad = try daemon.noaber("claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "0")
        #expect(bad.status != 0 && bad.stderr.contains("--hours"))
        let unknownCategory = try daemon.noaber(
            "claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "1", "--category", "tuin")
        #expect(unknownCategory.status != 0 && unknownCategory.stderr.contains("--category tuin does not exist"))
        let future = try daemon.noaber(
            "claim", "--key", "jan.key", "--issuer", "org:zorgkring", "--hours", "1", "--care-date", "2999-01-01")
        #expect(future.status != 0 && future.stderr.contains("after the entry's commit day"), "\(future.stderr)")

        // The statement shows the approved claim as a credit on its day of care.
        let statement = try daemon.ok("statement", "vol:jan-peeters")
        let approvedLine = statement.split(separator: "\n").first { $0.contains("douchen mevrouw Jansen") }
        #expect(approvedLine?.contains(" 2026-11-20 ") == true, "\(statement)")

        // 61 days later the third claim has expired: it can be neither approved nor rejected.
        try await daemon.restart(clockAhead: "+61d")
        let expired = try daemon.noaber("approve", "claim-3", "--key", "coord.key")
        #expect(expired.status != 0 && expired.stderr.contains("claim claim-3 expired at"), "\(expired.stderr)")
        let all = try daemon.json(ClaimsOutput.self, "claims", "--account", "vol:jan-peeters")
        #expect(all.claims.map(\.status) == ["approved", "rejected", "expired"])
        #expect(all.claims[1].reason == "al vergoed via de gemeente")
        #expect(try daemon.json(ClaimsOutput.self, "claims", "--pending").claims.isEmpty)
        let verify = try daemon.noaber("verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }
}
