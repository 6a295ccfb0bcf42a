import NoaberCore

@testable import NoaberServer

/// A writer's refusal or failure, as a test sees it.
struct WriteFailed: Error, CustomStringConvertible {
    var outcome: WriteOutcome
    var description: String { "\(outcome)" }
}

extension GroupCommitWriter {
    /// Submits one entry and returns it as written, or throws what became of it instead.
    func write(_ entry: SignedEntry) async throws -> AcceptedWrite {
        let outcome = await submit([entry], peer: nil)
        guard case .accepted(let writes) = outcome, let written = writes.first else {
            throw WriteFailed(outcome: outcome)
        }
        return written
    }
}
