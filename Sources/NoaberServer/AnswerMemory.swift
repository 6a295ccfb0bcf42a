import Synchronization

/// The daemon-wide budget for answer bytes that have been made but not yet taken by their clients
/// (`answer_buffer_bytes`). An answer is counted from when it is made until NIO has written it to
/// the socket; a client that does not read keeps its answer counted. Each connection has at most
/// one answer out (`SocketServer` reads its next request only once the last answer is written), so
/// the count is the memory non-reading clients can hold.
///
/// An answer is always let through, since it is already made: holding it back would keep it in
/// memory all the same. Instead, when it does not fit, the connections whose answers have waited
/// longest are chosen to be closed, enough to make room: a client that reads takes its answer in
/// milliseconds, so the oldest unread answers are those of clients that do not read. Closing a
/// connection fails its pending write, which releases its bytes.
final class AnswerMemory<Holder: Sendable>: Sendable {
    /// The bytes that may be out at once; one answer larger than this is still let through (alone
    /// with the others closed), so that the largest page works however small the budget.
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var inFlight = 0
        var nextTicket: UInt64 = 0
        /// Answers out, by ticket, which grows with time: the smallest is the oldest.
        var out: [UInt64: (connection: ObjectIdentifier, bytes: Int, holder: Holder)] = [:]
        /// Connections already chosen to be closed, whose bytes are not yet released.
        var closing: Set<ObjectIdentifier> = []
    }

    /// A reservation, to be given back to `release` once the answer is written or has failed.
    struct Ticket: Sendable {
        fileprivate let number: UInt64
    }

    init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
    }

    /// The bytes counted now.
    var inFlight: Int { state.withLock { $0.inFlight } }

    /// Counts `bytes` for `connection`; returns its ticket and the holders of the answers to close
    /// to make room (never `connection`'s own), oldest first.
    func reserve(_ bytes: Int, for connection: ObjectIdentifier, holder: Holder) -> (Ticket, close: [Holder]) {
        state.withLock { state in
            var victims: [Holder] = []
            var excess = state.inFlight + bytes - capacity
            if excess > 0 {
                for ticket in state.out.keys.sorted() where excess > 0 {
                    let answer = state.out[ticket]!
                    guard answer.connection != connection, !state.closing.contains(answer.connection) else { continue }
                    state.closing.insert(answer.connection)
                    victims.append(answer.holder)
                    excess -= answer.bytes
                }
            }
            let ticket = state.nextTicket
            state.nextTicket += 1
            state.out[ticket] = (connection, bytes, holder)
            state.inFlight += bytes
            return (Ticket(number: ticket), victims)
        }
    }

    /// Gives back the bytes of a written (or failed) answer.
    func release(_ ticket: Ticket) {
        state.withLock { state in
            guard let answer = state.out.removeValue(forKey: ticket.number) else { return }
            state.inFlight -= answer.bytes
            // Only a connection chosen to be closed is looked for among all the answers out.
            if state.closing.contains(answer.connection),
                !state.out.values.contains(where: { $0.connection == answer.connection })
            {
                state.closing.remove(answer.connection)
            }
        }
    }
}
