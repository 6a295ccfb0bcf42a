import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Testing

@testable import NoaberServer

/// The daemon's judgement of read authorisations, without a socket: which keys, which clocks,
/// which nonces and which bytes it accepts.
@Suite("Read authorisations")
struct ReadGateTests {
    let fixture = BatchSubmissionTests()

    /// A directory with the fixture's admin, a member key controlling `vol:jan`, and `now` fixed.
    func gate(at now: Timestamp) throws -> (ReadGate, member: Ed25519PrivateKey) {
        var state = LedgerState()
        let member = try Ed25519PrivateKey.generate()
        var seq: Int64 = 0
        for signed in try fixture.setup() {
            seq += 1
            _ = try state.apply(signed, seq: seq, at: now)
        }
        let directory = KeyDirectory(state)
        let add = try SignedEntry.sign(
            Payload(
                ledger: fixture.ledger, id: "k",
                body: .keyAdd(KeyAdd(key: KeySpec(publicKey: member.publicKey, label: "jan", role: .member)))),
            with: fixture.admin)
        let payload = try Payload.decode(add.payload)
        let update = Payload(
            ledger: fixture.ledger, id: "u",
            body: .accountUpdate(
                AccountUpdate(account: try AccountID("vol:jan"), controllers: [member.publicKey.keyID])))
        directory.record([
            AcceptedEntry(entry: try committed(add, seq: 4), payload: payload),
            AcceptedEntry(
                entry: try committed(try SignedEntry.sign(update, with: fixture.admin), seq: 5), payload: update),
        ])
        return (ReadGate(directory: directory, clock: { now }), member)
    }

    func committed(_ signed: SignedEntry, seq: Int64) throws -> CommittedEntry {
        let time = Timestamp(millisecondsSinceEpoch: 0)
        return CommittedEntry(
            seq: seq, entryID: try Payload.decode(signed.payload).id, kind: .keyAdd, signed: signed, committedAt: time,
            prevHash: .zero, hash: .zero)
    }

    func authorize(
        _ params: String, key: Ed25519PrivateKey, at time: Timestamp, ledger: String? = nil
    ) throws
        -> ReadAuthorization
    {
        try ReadAuthorization.sign(
            method: Method.accountGet.rawValue, params: Array(params.utf8), ledgerID: ledger ?? fixture.ledger,
            timestamp: time.rfc3339, with: key)
    }

    @Test func aFreshSignatureOverTheseBytesAdmitsItsKeyWithItsScope() throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        let (gate, member) = try gate(at: now)
        let params = #"{"account":"vol:jan"}"#
        let reader = try gate.admit(
            try authorize(params, key: member, at: now), method: .accountGet, params: ArraySlice(params.utf8))
        let own = try AccountID("vol:jan")
        #expect(reader.role == .member && reader.accounts == [own])
        let issuer = try AccountID("org:z")
        #expect(reader.mayRead(own) && !reader.mayRead(issuer))
        let other = try AccountID("org:z")
        #expect(throws: RPCError.self) { try reader.require(other) }
        let admin = try gate.admit(
            try authorize(params, key: fixture.admin, at: now), method: .accountGet, params: ArraySlice(params.utf8))
        #expect(admin.readsEverything)
    }

    @Test func everyFlawHasItsOwnRefusal() throws {
        let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        let (gate, member) = try gate(at: now)
        let params = #"{"account":"vol:jan"}"#
        func refusal(_ auth: ReadAuthorization?, _ bytes: String = params, method: Method = .accountGet) -> String? {
            do {
                _ = try gate.admit(auth, method: method, params: ArraySlice(bytes.utf8))
                return nil
            } catch { return error.reason }
        }
        #expect(refusal(nil) == "read_key_required")
        let good = try authorize(params, key: member, at: now)
        #expect(refusal(good, #"{"account":"org:z"}"#) == "read_auth_invalid", "other params")
        #expect(refusal(good, method: .accountHistory) == "read_auth_invalid", "another method")
        #expect(
            refusal(try authorize(params, key: member, at: now, ledger: String(repeating: "0", count: 32)))
                == "read_auth_invalid")
        #expect(refusal(try authorize(params, key: try .generate(), at: now)) == "read_auth_invalid", "an unknown key")
        let late = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - 120_001)
        #expect(refusal(try authorize(params, key: member, at: late)) == "read_auth_stale")
        let early = Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch + 120_001)
        #expect(refusal(try authorize(params, key: member, at: early)) == "read_auth_stale")
        var upper = good
        upper.signature = upper.signature.uppercased()
        #expect(refusal(upper) == "read_auth_invalid", "hex is lowercase only")
        #expect(refusal(good) == nil)
        #expect(refusal(good) == "read_auth_replayed", "the same nonce again")
    }

    @Test func nonceWindowRemembersANonceForTwoWindowsAtLeast() {
        var window = NonceWindow()
        let start = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)
        func insert(after milliseconds: Int64) -> Bool {
            window.insert(
                Nonce([UInt8](repeating: 1, count: 16)),
                at: Timestamp(millisecondsSinceEpoch: start.millisecondsSinceEpoch + milliseconds))
        }
        #expect(insert(after: 0))
        for step: Int64 in [0, 1, 120_000, 239_999, 240_000, 300_000, 479_999] {
            #expect(!insert(after: step), "still remembered \(step) ms later")
        }
        // Two rotations later the nonce's request is long stale, and it is forgotten.
        #expect(insert(after: 960_000))
    }

    @Test(arguments: [
        (#"{"id":1,"params":{"a":[1,{"b":"}"}]},"x":2}"#, #"{"a":[1,{"b":"}"}]}"#),
        (#"{"params" : "p\"q" , "id":1}"#, #""p\"q""#),
        (#"{"id":1}"#, ""),
        (#"{"params":1,"params":2}"#, nil),
        (#"{"par\u0061ms":{"a":1}}"#, ""),
        (#"{"params":[]}"#, "[]"),
        (#"{"params":null}"#, "null"),
    ])
    func paramsAreFoundAsTheyStand(line: String, expected: String?) {
        let found = ParamsSpan.find(in: Array(line.utf8))
        #expect(found.map { String(decoding: $0, as: UTF8.self) } == expected)
    }
}
