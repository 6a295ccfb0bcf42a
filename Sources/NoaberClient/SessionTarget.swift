package import NoaberTransport

/// Which daemon to talk to, and which ledger the user insists it serves.
package struct SessionTarget: Sendable {
    package var endpoint: Endpoint
    /// The ledger id the user pinned, if any.
    package var pinnedLedger: String?
    /// Where the pin came from (`--ledger` or `NOABER_LEDGER`), to say so when it is refused.
    package var pinSource: String
    /// The user's private key file, which signs entries and reads; nil when none was given.
    package var keyPath: String?

    package init(
        endpoint: Endpoint, pinnedLedger: String? = nil, pinSource: String = "--ledger", keyPath: String? = nil
    ) {
        self.endpoint = endpoint
        self.pinnedLedger = pinnedLedger
        self.pinSource = pinSource
        self.keyPath = keyPath
    }

    /// The key file, or the error that says how to give one.
    package func requireKeyPath() throws(ClientFailure) -> String {
        guard let keyPath else {
            throw ClientFailure("give --key FILE (or $NOABER_KEY): the private key that signs this")
        }
        return keyPath
    }

    /// Refuses a ledger other than the pinned one; `ledgerID` is nil when the daemon serves none yet.
    package func checkPin(_ ledgerID: String?) throws(ClientFailure) {
        guard let pinned = pinnedLedger, ledgerID != pinned else { return }
        let serves = ledgerID.map { "ledger \($0)" } ?? "no ledger yet"
        throw ClientFailure(
            "the daemon at \(endpoint) serves \(serves), not ledger \(pinned) (\(pinSource)); refusing to talk to it")
    }
}
