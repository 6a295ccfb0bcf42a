import NoaberCore
import NoaberStore

/// How one entry of a unit stands once judged, before the group is written.
enum Admission {
    /// Admitted into the group being judged, at `position` of its draft; `replayed` when an earlier
    /// entry of the same group has the same bytes.
    case inGroup(position: Int, replayed: Bool)
    /// Committed before, with the same bytes.
    case stored(CommittedEntry)
}

/// The writer's judgement of one entry.
enum Verdict {
    case admitted(Admission)
    /// `byGroup`: refused only because of an entry of this same group, so the refusal stands only
    /// if that group is written.
    case refused(LedgerError, byGroup: Bool)
    /// The database could not be read, or the sequence numbers ran out.
    case failed(String)
}

/// The writer's judgement of one unit, before the group is written.
enum JudgedUnit {
    case admitted([Admission])
    case refused(index: Int, LedgerError, byGroup: Bool)
    case failed(String)

    /// Whether the answer stands only if the group is written: if the write fails, it becomes a
    /// storage failure, since nothing the answer relies on reached the disk.
    var dependsOnGroup: Bool {
        switch self {
        case .admitted(let admissions): admissions.contains { if case .inGroup = $0 { true } else { false } }
        case .refused(_, _, let byGroup): byGroup
        case .failed: false
        }
    }

    func outcome(in draft: GroupDraft) -> WriteOutcome {
        switch self {
        case .admitted(let admissions):
            .accepted(
                admissions.map { admission in
                    switch admission {
                    case .inGroup(let position, let replayed):
                        AcceptedWrite(entry: draft.entries[position].entry, replayed: replayed)
                    case .stored(let entry): AcceptedWrite(entry: entry, replayed: true)
                    }
                })
        case .refused(let index, let error, _): .refused(index: index, error)
        case .failed(let why): .storageFailure(why)
        }
    }
}
