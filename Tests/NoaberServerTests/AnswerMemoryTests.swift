import Testing

@testable import NoaberServer

/// The budget's rules, on plain holders: an answer is always let through, room is made by closing
/// the connections whose answers have waited longest, never the asker's own, and each connection is
/// chosen once until its bytes come back.
@Suite("Answer memory")
struct AnswerMemoryTests {
    final class Connection: Sendable {}

    @Test func answersWithinTheBudgetCloseNothing() {
        let memory = AnswerMemory<Int>(capacity: 100)
        let (a, b) = (Connection(), Connection())
        let (first, none) = memory.reserve(60, for: ObjectIdentifier(a), holder: 1)
        let (second, stillNone) = memory.reserve(40, for: ObjectIdentifier(b), holder: 2)
        #expect(none.isEmpty && stillNone.isEmpty)
        #expect(memory.inFlight == 100)
        memory.release(first)
        memory.release(second)
        #expect(memory.inFlight == 0)
        // A ticket given back twice counts once.
        memory.release(second)
        #expect(memory.inFlight == 0)
    }

    @Test func theOldestUnreadAnswersAreClosedToMakeRoom() {
        let memory = AnswerMemory<Int>(capacity: 100)
        let connections = (0..<4).map { _ in Connection() }
        for (i, connection) in connections.prefix(3).enumerated() {
            #expect(memory.reserve(30, for: ObjectIdentifier(connection), holder: i).close.isEmpty)
        }
        // 90 out; 50 more needs 40 freed: the two oldest (30 + 30), not the third.
        let (ticket, close) = memory.reserve(50, for: ObjectIdentifier(connections[3]), holder: 3)
        #expect(close == [0, 1])
        #expect(memory.inFlight == 140, "bytes count until the closed connections give them back")
        // Those already chosen are not chosen again while their bytes are out.
        let (_, next) = memory.reserve(10, for: ObjectIdentifier(connections[3]), holder: 3)
        #expect(next == [2])
        memory.release(ticket)
    }

    @Test func theAskerIsNeverItsOwnVictimAndALargeAnswerStillGoes() {
        let memory = AnswerMemory<Int>(capacity: 100)
        let (a, b) = (Connection(), Connection())
        let (mine, _) = memory.reserve(80, for: ObjectIdentifier(a), holder: 1)
        let (big, close) = memory.reserve(500, for: ObjectIdentifier(a), holder: 1)
        #expect(close.isEmpty, "only the asker holds bytes")
        #expect(memory.inFlight == 580)
        // Another connection's answer makes room by closing the asker of the large one.
        let (small, closeA) = memory.reserve(10, for: ObjectIdentifier(b), holder: 2)
        #expect(closeA == [1])
        memory.release(mine)
        memory.release(big)
        memory.release(small)
        #expect(memory.inFlight == 0)
        // Once all of a's bytes are back, it may be chosen again.
        #expect(memory.reserve(95, for: ObjectIdentifier(a), holder: 1).close.isEmpty)
        #expect(memory.reserve(10, for: ObjectIdentifier(b), holder: 2).close == [1])
    }
}

/// What a client may put into a log line comes out on one line, and unambiguous.
@Suite("Log text")
struct LogTextTests {
    @Test(arguments: [
        ("plain-id_1", "plain-id_1"),
        ("a\nb", "a\\u{a}b"),
        ("a\r\nb", "a\\u{d}\\u{a}b"),
        ("nul\u{0}id", "nul\\u{0}id"),
        ("bidi\u{202E}evil", "bidi\\u{202e}evil"),
        ("zero\u{200B}width", "zero\\u{200b}width"),
        ("line\u{2028}sep", "line\\u{2028}sep"),
        ("back\\slash", "back\\\\slash"),
        ("typed \\u{a} out", "typed \\\\u{a} out"),
        ("tab\there", "tab\\u{9}here"),
        ("Zoë ☕", "Zoë ☕"),
    ])
    func escapes(text: String, logged: String) {
        #expect(LogText.escaped(text) == logged)
    }
}
