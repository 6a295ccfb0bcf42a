package import NoaberTransport

/// Which daemon to talk to, and which ledger the user insists it serves.
package struct SessionTarget: Sendable {
    package var endpoint: Endpoint
    /// The ledger id the user pinned, if any.
    package var pinnedLedger: String?
    /// Where the pin came from (`--ledger` or `NOABER_LEDGER`), to say so when it is refused.
    package var pinSource: String

    package init(endpoint: Endpoint, pinnedLedger: String? = nil, pinSource: String = "--ledger") {
        self.endpoint = endpoint
        self.pinnedLedger = pinnedLedger
        self.pinSource = pinSource
    }

    /// Refuses a ledger other than the pinned one; `ledgerID` is nil when the daemon serves none yet.
    package func checkPin(_ ledgerID: String?) throws(ClientFailure) {
        guard let pinned = pinnedLedger, ledgerID != pinned else { return }
        let serves = ledgerID.map { "ledger \($0)" } ?? "no ledger yet"
        throw ClientFailure(
            "the daemon at \(endpoint) serves \(serves), not ledger \(pinned) (\(pinSource)); refusing to talk to it")
    }
}
