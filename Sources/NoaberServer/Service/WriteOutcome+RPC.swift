import NoaberCore
import NoaberProtocol

extension WriteOutcome {
    /// The entries written, or the JSON-RPC error that answers the submission. In a batch, the
    /// error names the entry refused, since the client must know which one to fix.
    func written(batch: Bool) throws(RPCError) -> [AcceptedWrite] {
        switch self {
        case .accepted(let writes): return writes
        case .refused(let index, let error) where batch:
            throw RPCError(
                code: error.code, reason: error.reason,
                message: "batch entry \(index + 1) was refused (\(error.message)), so nothing of the batch was written")
        case .refused(_, let error): throw RPCError(error)
        case .storageFailure(let why): throw .storage(why)
        case .syncFailed(let why): throw .syncFailed(why)
        case .shuttingDown: throw .shuttingDown
        }
    }
}

extension SubmitResult {
    init(_ write: AcceptedWrite) {
        self.init(write.entry, replayed: write.replayed)
    }
}
