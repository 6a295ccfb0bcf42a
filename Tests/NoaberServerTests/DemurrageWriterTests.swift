import Foundation
import Logging
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTestSupport
import Synchronization
import Testing

@testable import NoaberServer

/// The daemon's writer charges demurrage by its clock: once per period, in order, catching up after
/// downtime. The clock is injected and moved; nothing sleeps.
@Suite("Demurrage written by the daemon")
struct DemurrageWriterTests {
    let admin = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x32, count: 32))
    let log = try! Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 0x33, count: 32))
    let nonce = [UInt8](repeating: 0x0a, count: 16)
    var ledger: String { LedgerIdentity.derive(adminKey: admin.publicKey, nonce: nonce) }

    final class Clock: Sendable {
        let now: Mutex<Timestamp>
        init(_ text: String) { now = Mutex(Timestamp(rfc3339: text)!) }
        func set(_ text: String) { now.withLock { $0 = Timestamp(rfc3339: text)! } }
        var read: @Sendable () -> Timestamp { { self.now.withLock { $0 } } }
    }

    func signed(_ id: String, _ body: Payload.Body) throws -> SignedEntry {
        try SignedEntry.sign(Payload(ledger: ledger, id: id, body: body), with: admin)
    }

    func transfer(_ id: String, _ amount: Int64) throws -> SignedEntry {
        try signed(
            id,
            .transaction(
                Transaction(
                    purpose: .transfer,
                    postings: [
                        Posting(account: try AccountID("vol:jan"), amount: -amount),
                        Posting(account: try AccountID("shop:bakker"), amount: amount),
                    ])))
    }

    func writer(_ directory: URL, _ clock: Clock) throws -> GroupCommitWriter {
        try GroupCommitWriter(
            store: try LedgerStore(database: Database(directory: directory.path)), clock: clock.read,
            logger: Logger(label: "test"),
            logKey: log, logKeyPath: directory.appendingPathComponent("log.key").path)
    }

    func demurrage(_ directory: URL) throws -> [(period: String, charges: [Int64])] {
        let reader = try Database(directory: directory.path).openReader()
        return try reader.entries(from: 1, limit: 1000).compactMap { stored in
            guard case .transaction(let tx) = try Payload.decode(stored.entry.signed.payload).body,
                tx.purpose == .demurrage
            else { return nil }
            return (tx.period ?? "", tx.postings.map(\.amount))
        }
    }

    // size: one story across a restart, each step relying on the balances the one before left.
    @Test func missedPeriodsAreChargedOnceEachInOrderAcrossRestarts() async throws {
        let directory = try makeTemporaryDirectory("noaber-demurrage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = Clock("2026-11-10T12:00:00.000Z")
        var w = try writer(directory, clock)
        let admins = [admin.publicKey.keyID]
        for entry in [
            try signed(
                "init",
                .ledgerInit(
                    LedgerInit(
                        name: "Demurrage", currency: Currency(code: "ZMT", name: "zorgmunt", scale: 2), hourRate: 1000,
                        adminKey: KeySpec(publicKey: admin.publicKey, label: "admin", role: .admin),
                        nonce: Hex.encode(nonce),
                        logKey: KeySpec(publicKey: log.publicKey, label: "log", role: .log)))),
            try signed(
                "org",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("org:z"), accountKind: .issuer, name: "Z", minBalance: -1_000_000,
                        controllers: admins))),
            try signed(
                "jan",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("vol:jan"), accountKind: .member, name: "Jan", minBalance: 0,
                        controllers: admins))),
            try signed(
                "bakker",
                .accountOpen(
                    AccountOpen(
                        account: try AccountID("shop:bakker"), accountKind: .merchant, name: "Bakker", minBalance: 0,
                        controllers: admins))),
            try signed(
                "credit",
                .transaction(
                    Transaction(
                        purpose: .credit,
                        postings: [
                            Posting(account: try AccountID("org:z"), amount: -10_000),
                            Posting(account: try AccountID("vol:jan"), amount: 10_000),
                        ]))),
            try signed(
                "settings",
                .ledgerSettings(
                    LedgerSettings(
                        demurrage: Demurrage(ratePPM: 10_000, period: .month, account: try AccountID("org:z"))))),
        ] {
            _ = try await w.write(entry)
        }
        // Before the first period starts, nothing is charged.
        await w.writeDueDemurrage()
        #expect(try demurrage(directory).isEmpty)

        // Three months later: December, January and February, in order, each 1 % of what was left.
        clock.set("2027-02-15T09:30:00.000Z")
        await w.writeDueDemurrage()
        await w.writeDueDemurrage()
        var charged = try demurrage(directory)
        #expect(charged.map(\.period) == ["2026-12-01", "2027-01-01", "2027-02-01"])
        #expect(charged.map(\.charges) == [[-100, 100], [-99, 99], [-98, 98]])

        // A client's entry after that needs nothing more.
        _ = try await w.write(try transfer("t1", 1000))
        await w.shutdown()

        // Down until April: the restarted daemon catches up on March and April before serving.
        clock.set("2027-04-02T00:00:00.000Z")
        w = try writer(directory, clock)
        await w.writeDueDemurrage()
        charged = try demurrage(directory)
        // Jan held 97.03 − 10.00 = 87.03, the baker 10.00.
        #expect(charged.dropFirst(3).map(\.period) == ["2027-03-01", "2027-04-01"])
        #expect(charged.dropFirst(3).map(\.charges) == [[-10, -87, 97], [-9, -86, 95]])

        // A period that starts while clients write is charged in the same group, before their entry.
        clock.set("2027-05-01T00:00:00.001Z")
        let result = try await w.write(try transfer("t2", 100))
        charged = try demurrage(directory)
        #expect(charged.last?.period == "2027-05-01")
        let reader = try Database(directory: directory.path).openReader()
        #expect(try reader.entry(id: "demurrage-2027-05-01-\(result.entry.seq - 1)") != nil)
        await w.shutdown()

        // The whole chain replays to the same charges and the same stored settings.
        let verifier = try LedgerStore.verify(try Database(directory: directory.path).openReader())
        #expect(verifier.state.settings.demurrageNext == Timestamp(rfc3339: "2027-06-01T00:00:00.000Z"))
        #expect(
            verifier.state.accounts[try AccountID("org:z")]!.balance
                + verifier.state.accounts[try AccountID("vol:jan")]!.balance
                + verifier.state.accounts[try AccountID("shop:bakker")]!.balance == 0)
    }
}
