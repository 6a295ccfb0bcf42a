import NoaberCore
import NoaberProtocol
import NoaberStore
import NoaberTransparency

/// `ledger.checkpoint` and the Merkle proofs. Each answer is read in one snapshot, so that the
/// entry, the tree size, the proof and the checkpoint belong together.
extension LedgerService {
    func checkpoint(_ context: RequestContext) async throws -> CheckpointResult {
        try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                CheckpointResult(checkpoint: try db.latestCheckpoint()?.note, treeSize: try db.treeSize())
            }
        }
    }

    func inclusionProof(_ params: InclusionProofParams, _ context: RequestContext) async throws -> InclusionProofResult
    {
        do { return try await inclusionProofAtCheckpoint(params, context) } catch StoreError.outOfRange(let why) {
            // No newer checkpoint comes while a restored backup's are held (`ledger.status`).
            if params.treeSize == nil, let hold = writer.checkpointHold {
                throw RPCError.checkpointsHeld("\(why); \(CheckpointHoldInfo(hold).message)")
            }
            throw StoreError.outOfRange(why)
        }
    }

    private func inclusionProofAtCheckpoint(
        _ params: InclusionProofParams, _ context: RequestContext
    ) async throws -> InclusionProofResult {
        let result = try await reads.read { db in
            try db.snapshot { () throws(StoreError) -> (InclusionProofResult, StoredEntry)? in
                // A credit of a batch is proved through its entry (docs/FORMAT.md §17).
                guard let seq = try db.seq(ofEntryOrCredit: params.entryId),
                    let stored = try db.entries(from: seq, limit: 1).first, stored.entry.seq == seq
                else {
                    return nil
                }
                let entry = stored.entry
                let checkpoint = params.treeSize == nil ? try db.latestCheckpoint() : nil
                guard let size = params.treeSize ?? checkpoint?.treeSize else {
                    throw StoreError.outOfRange("the ledger has no checkpoint yet; give tree_size")
                }
                let index = UInt64(entry.seq - 1)
                guard index < size else {
                    throw StoreError.outOfRange(
                        "entry \(params.entryId) is entry \(entry.seq), after the tree of size \(size)")
                }
                let hashes = try db.inclusionProof(index: index, treeSize: size)
                let result = InclusionProofResult(
                    entry: EntryInfo(stored), index: index, treeSize: size, hashes: hashes.map(\.base64),
                    checkpoint: checkpoint?.note)
                return (result, stored)
            }
        }
        guard let (result, stored) = result else { throw LedgerError.notFound("entry \(params.entryId)") }
        try await checkAndRecord(stored, method: .inclusionProof, context)
        return result
    }

    func consistencyProof(
        _ params: ConsistencyProofParams, _ context: RequestContext
    ) async throws -> ConsistencyProofResult {
        try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                let checkpoint = params.newSize == nil ? try db.latestCheckpoint() : nil
                guard let newSize = params.newSize ?? checkpoint?.treeSize else {
                    throw StoreError.outOfRange("the ledger has no checkpoint yet; give new_size")
                }
                guard params.oldSize >= 1, params.oldSize <= newSize else {
                    throw StoreError.outOfRange(
                        "old_size must be from 1 to new_size (\(newSize)), not \(params.oldSize)")
                }
                let hashes = try db.consistencyProof(oldSize: params.oldSize, newSize: newSize)
                return ConsistencyProofResult(
                    oldSize: params.oldSize, newSize: newSize, hashes: hashes.map(\.base64),
                    checkpoint: checkpoint?.note)
            }
        }
    }
}
