import NoaberCore

/// The accounts a stored entry shows (`Payload.touchedAccounts`): whose data a reader sees in it,
/// and so who may read it. A claim's rejection is judged without its claim (no reader looks it up
/// here), so only readers of every account see one.
enum TouchedAccounts {
    static func of(_ stored: StoredEntry) -> [AccountID] {
        (try? Payload.decode(stored.entry.signed.payload))?.touchedAccounts(claim: { _ in nil }) ?? []
    }
}
