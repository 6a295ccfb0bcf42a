import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberStore
import NoaberTransparency
import Synchronization

/// `ledger.*` and `entry.get`: writing entries, and the ledger as a whole.
extension LedgerService {
    func submit(_ params: SubmitParams, _ context: RequestContext) async throws -> SubmitResult {
        let written = try await writer.submit(
            [try params.signedEntry()], personal: [try params.personalTexts()], peer: context.peer
        ).written(batch: false)
        return SubmitResult(written[0])
    }

    func submitBatch(_ params: SubmitBatchParams, _ context: RequestContext) async throws -> SubmitBatchResult {
        guard (1...SubmitBatchParams.maxEntries).contains(params.entries.count) else {
            throw RPCError.invalidParams(
                "a batch holds 1 to \(SubmitBatchParams.maxEntries) entries, not \(params.entries.count)")
        }
        var entries: [SignedEntry] = []
        var personal: [[PersonalText]] = []
        for (index, entry) in params.entries.enumerated() {
            do {
                entries.append(try entry.signedEntry())
                personal.append(try entry.personalTexts())
            } catch {
                throw RPCError.invalidParams("entries[\(index)]: \(error.message)")
            }
        }
        let written = try await writer.submit(entries, personal: personal, peer: context.peer).written(batch: true)
        return SubmitBatchResult(results: written.map(SubmitResult.init))
    }

    /// Which of up to 1000 ids an entry or a batch's credit already has (docs/FORMAT.md §17), so
    /// that an import sends only the lines that are new.
    func usedIDs(_ params: UsedIDsParams, _ context: RequestContext) async throws -> UsedIDsResult {
        try context.requireReader().requireEverything("ledger.used_ids")
        guard (1...UsedIDsParams.maxIDs).contains(params.ids.count) else {
            throw RPCError.invalidParams("ids holds 1 to \(UsedIDsParams.maxIDs) ids, not \(params.ids.count)")
        }
        try recordRead(context, .usedIDs, accounts: nil)
        let used = try await reads.read { [creditIDs] db in
            try zip(params.ids, db.seqs(ofEntriesOrCredits: params.ids, credits: creditIDs)).compactMap { id, seq in
                seq.map { UsedID(id: id, seq: $0) }
            }
        }
        return UsedIDsResult(used: used)
    }

    func status(_ context: RequestContext) async throws -> StatusResult {
        let (summary, schema, logKeyActive, checkpoint, settings) = try await reads.read { db in
            try db.snapshot { () throws(StoreError) in
                (
                    try db.summary(),
                    try db.schemaVersion(),
                    try db.keys().first { $0.id == logPublicKey.keyID }.map { $0.role == .log && $0.revokedSeq == nil },
                    try db.latestCheckpoint(),
                    try db.settings()
                )
            }
        }
        let logKey = summary.ledger.flatMap { ledger in
            logKeyActive == true
                ? try? NoteVerifierKey(name: LogOrigin.origin(ledgerID: ledger.id), publicKey: logPublicKey).text : nil
        }
        let uptime = ContinuousClock.now - startedAt
        var result = StatusResult(
            initialised: summary.ledger != nil, ledgerId: summary.ledger?.id, name: summary.ledger?.name,
            currency: summary.ledger?.currency, hourRate: summary.ledger?.hourRate, entries: summary.entries,
            headHash: summary.headHash.hex, headTime: summary.headTime?.rfc3339, databaseBytes: database.sizeOnDisk(),
            uptimeSeconds: uptime.components.seconds, version: Self.version, schemaVersion: schema,
            groupCommits: writer.groupCommits.load(ordering: .relaxed),
            entriesCommitted: writer.entriesCommitted.load(ordering: .relaxed),
            logPublicKey: Hex.encode(logPublicKey.rawRepresentation), logKey: logKey,
            checkpointSize: checkpoint?.treeSize,
            logKeyRevoked: logKeyActive == false ? true : nil)
        if summary.ledger != nil { result.settings = SettingsInfo(settings) }
        result.checkpointHold = writer.checkpointHold.map(CheckpointHoldInfo.init)
        return result
    }

    /// A page stops at about 8 MiB of payload (at least one entry), so that a response line stays
    /// far below what a client buffers however large the payloads are. The store finds the cut
    /// from the payloads' lengths and reads no more than that; the page is encoded inside the read,
    /// so that ReadPool's bound on concurrent reads also bounds the pages in memory.
    /// Entry 1 to anyone: the ledger's definition, which a client checks before it signs anything,
    /// and before it can bind a read authorisation to the ledger's id.
    func firstEntry(_ context: RequestContext) async throws -> EntriesResult {
        EntriesResult(entries: try await reads.read { try $0.entries(from: 1, limit: 1) }.map(EntryInfo.init))
    }

    func entries(_ params: EntriesParams, _ context: RequestContext) async throws -> ResponseLine {
        try context.requireReader().requireEverything("ledger.entries")
        try recordRead(context, .entries, accounts: nil)
        let limit = Self.pageSize(params.limit, max: EntriesParams.maxLimit)
        let page = try await reads.read(.page) { db in
            let page = try db.entries(from: params.fromSeq, limit: limit, maxPayloadBytes: EntriesParams.maxPageBytes)
            let served = try servingPersonalData(page, version: db.ledger()?.version, context)
            // Packed for a client that reads it (docs/PROTOCOL.md, "Packed pages"), else as JSON.
            if let packed = params.packed, packed >= PackedEntries.version {
                return ResponseLine(data: context.respond(PackedEntriesAnswer(entries: served)))
            }
            return ResponseLine(data: context.respond(StoredEntriesPage(entries: served)))
        }
        return page
    }

    func balances(_ context: RequestContext) async throws -> BalancesResult {
        try context.requireReader().requireEverything("ledger.balances")
        try recordRead(context, .balances, accounts: nil)
        let balances = try await reads.read(.page) { db in
            try db.snapshot { () throws(StoreError) in
                BalancesResult(
                    headSeq: try db.summary().entries,
                    balances: try db.balances().sorted { $0.key < $1.key }.map {
                        AccountBalance(account: $0.key.rawValue, balance: $0.value)
                    })
            }
        }
        return balances
    }

    func state(_ context: RequestContext) async throws -> StateResult {
        try context.requireReader().requireEverything("ledger.state")
        try recordRead(context, .state, accounts: nil)
        let state = try await reads.read(.page) { db in
            try db.snapshot { () throws(StoreError) in
                StateResult(
                    headSeq: try db.summary().entries, rows: try db.journalRows(),
                    ledger: try db.ledger().map(LedgerInfo.init),
                    keys: try db.keys().map(KeyInfo.init), accounts: try db.accounts().map(AccountInfo.init),
                    checkpoint: try db.latestCheckpoint()?.note, categories: try db.categories().map(CategoryInfo.init),
                    settings: SettingsInfo(try db.settings()), tableRows: TableRowsInfo(try db.tableRows()),
                    checkpointRow: try db.checkpointRow().map(CheckpointRowInfo.init))
            }
        }
        return state
    }

    func entryGet(_ params: EntryGetParams, _ context: RequestContext) async throws -> EntryInfo {
        let name: String
        switch (params.id, params.seq) {
        case (let id?, nil): name = "entry \(id)"
        case (nil, let seq?): name = "entry with seq \(seq)"
        default: throw RPCError.invalidParams("give exactly one of \"id\" and \"seq\"")
        }
        let found = try await reads.read { db in
            let seq = try params.id.map { id throws(StoreError) in try db.seq(ofEntryOrCredit: id) } ?? params.seq
            return try seq.flatMap { seq throws(StoreError) in
                try servingPersonalData(db.entries(from: seq, limit: 1), version: db.ledger()?.version, context)
                    .first { $0.entry.seq == seq }
            }
        }
        guard let stored = found else { throw LedgerError.notFound(name) }
        try await checkAndRecord(stored, method: .entryGet, context)
        return EntryInfo(stored)
    }
}

extension LedgerService {
    /// Lets a reader see one stored entry if it may read every account, or the entry touches an
    /// account it controls (entry 1, the ledger's definition, is anyone's), and records the read.
    func checkAndRecord(_ stored: StoredEntry, method: Method, _ context: RequestContext) async throws(RPCError) {
        let reader = try context.requireReader()
        let touched = TouchedAccounts.of(stored)
        guard reader.readsEverything || stored.entry.seq == 1 || touched.contains(where: reader.mayRead) else {
            throw .readForbidden(
                "entry \(stored.entry.entryID) touches no account this \(reader.role.rawValue) key controls")
        }
        try recordRead(context, method, accounts: touched)
    }
}
