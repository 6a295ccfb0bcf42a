import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import Testing

@testable import NoaberServer

/// Sessions without a socket: the opening's own domain context, the connection's one-time
/// challenge, and a session judged by the key directory as it stands at each read.
@Suite("Session authorisations")
struct SessionGateTests {
    let reads = ReadGateTests()
    let now = Timestamp(millisecondsSinceEpoch: 1_800_000_000_000)

    func sign(
        _ context: String, _ method: Method, _ params: String, _ key: Ed25519PrivateKey
    ) throws
        -> ReadAuthorization
    {
        try ReadAuthorization.sign(
            context: context, method: method.rawValue, params: Array(params.utf8), ledgerID: reads.fixture.ledger,
            timestamp: now.rfc3339, with: key)
    }

    @Test func readAndSessionSignaturesNeverPassForEachOther() throws {
        let (gate, member) = try reads.gate(at: now)
        let params = #"{"challenge":"00"}"#
        func refusal(_ auth: ReadAuthorization, _ method: Method, _ context: String) -> String? {
            do {
                _ = try gate.admit(auth, method: method, params: ArraySlice(params.utf8), context: context)
                return nil
            } catch { return error.reason }
        }
        let asRead = try sign(ReadAuthorization.context, .sessionOpen, params, member)
        #expect(refusal(asRead, .sessionOpen, ReadAuthorization.sessionContext) == "read_auth_invalid")
        let asSession = try sign(ReadAuthorization.sessionContext, .accountGet, params, member)
        #expect(refusal(asSession, .accountGet, ReadAuthorization.context) == "read_auth_invalid")
        let good = try sign(ReadAuthorization.sessionContext, .sessionOpen, params, member)
        #expect(refusal(good, .sessionOpen, ReadAuthorization.sessionContext) == nil)
        #expect(refusal(good, .sessionOpen, ReadAuthorization.sessionContext) == "read_auth_replayed")
    }

    @Test func aChallengeIsAnsweredOnceAndOnlyTheLatest() throws {
        let session = ConnectionSession()
        let key = KeyID(hex: String(repeating: "ab", count: 16))!
        func refusal(_ answer: String) -> String? {
            do {
                try session.open(answering: answer, as: key)
                return nil
            } catch { return error.reason }
        }
        #expect(refusal(String(repeating: "0", count: 64)) == "session_challenge_invalid", "none was asked")
        let first = Hex.encode(try session.issueChallenge())
        let second = Hex.encode(try session.issueChallenge())
        #expect(first != second && second.count == 2 * SessionChallenge.bytes)
        #expect(refusal(first) == "session_challenge_invalid", "replaced by the second")
        #expect(refusal(second) == "session_challenge_invalid", "the failed try spent it")
        #expect(session.keyID == nil)
        let third = Hex.encode(try session.issueChallenge())
        #expect(refusal(third.uppercased()) == "session_challenge_invalid", "lowercase hex only")
        let fourth = Hex.encode(try session.issueChallenge())
        #expect(refusal(fourth) == nil && session.keyID == key)
        #expect(refusal(fourth) == "session_challenge_invalid", "answered already")
    }

    @Test func aSessionIsJudgedByTheDirectoryAtEachRead() throws {
        let (gate, member) = try reads.gate(at: now)
        let session = ConnectionSession()
        let answer = Hex.encode(try session.issueChallenge())
        try session.open(answering: answer, as: member.publicKey.keyID)
        let reader = try gate.admit(session: member.publicKey.keyID, of: session)
        let jan = try AccountID("vol:jan")
        #expect(reader.role == .member && reader.accounts == [jan])
        let revoke = Payload(
            ledger: reads.fixture.ledger, id: "r",
            body: .keyRevoke(KeyRevoke(keyID: member.publicKey.keyID, reason: nil)))
        gate.directory.record([
            AcceptedEntry(
                entry: try reads.committed(try SignedEntry.sign(revoke, with: reads.fixture.admin), seq: 6),
                payload: revoke)
        ])
        #expect(throws: RPCError.self) { try gate.admit(session: member.publicKey.keyID, of: session) }
        #expect(session.keyID == nil, "the revoked key's session is closed")
        let stranger = try Ed25519PrivateKey.generate().publicKey.keyID
        #expect(throws: RPCError.self) { try gate.admit(session: stranger, of: session) }
    }
}
