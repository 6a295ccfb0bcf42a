package import NoaberCore
import NoaberCrypto

// `key.list`'s keys, and the ledger's settings as `ledger.status` and `ledger.state` carry them
// (docs/PROTOCOL.md).

package struct KeyInfo: Codable, Sendable {
    package var keyId: String
    package var publicKey: String
    package var label: String
    package var role: String
    package var addedSeq: Int64
    package var revokedSeq: Int64?

    package init(_ k: LedgerState.Key) {
        keyId = k.id.hex
        publicKey = Hex.encode(k.publicKey.rawRepresentation)
        label = k.label
        role = k.role.rawValue
        addedSeq = k.addedSeq
        revokedSeq = k.revokedSeq
    }
}

package struct KeyList: Codable, Sendable {
    package var keys: [KeyInfo]
    package init(keys: [KeyInfo]) { self.keys = keys }
}

/// The ledger's settings as served: `ledger.status` and `ledger.state` carry them.
package struct SettingsInfo: Codable, Sendable, Equatable {
    package var claimExpiryDays: Int
    package var demurrage: DemurrageInfo?
    /// Statements' and reports' language (`nl`, `en`); absent: never set (English).
    package var language: String?
    /// The organisation's contact line for statements; absent: none.
    package var contact: String?

    package struct DemurrageInfo: Codable, Sendable, Equatable {
        package var ratePpm: Int64
        package var period: String
        package var account: String
        /// The start of the next period to charge (RFC 3339).
        package var next: String
        /// Within a period being charged: the last account charged so far.
        package var cursor: String?
    }

    package init(_ settings: LedgerState.Settings) {
        claimExpiryDays = settings.claimExpiryDays
        demurrage = settings.demurrage.map {
            DemurrageInfo(
                ratePpm: $0.ratePPM, period: $0.period.rawValue, account: $0.account.rawValue,
                next: settings.demurrageNext?.rfc3339 ?? "", cursor: settings.demurrageCursor?.rawValue)
        }
        language = settings.language
        contact = settings.contact
    }

    /// Back to Core values; nil if anything is malformed.
    package func settings() -> LedgerState.Settings? {
        var settings = LedgerState.Settings(claimExpiryDays: claimExpiryDays, language: language, contact: contact)
        guard let demurrage else { return settings }
        // `next` in FORMAT.md §4's 24-character form only: one spelling per value (§13).
        guard let period = DemurragePeriod(rawValue: demurrage.period), let account = try? AccountID(demurrage.account),
            let next = Timestamp(rfc3339: demurrage.next), next.rfc3339 == demurrage.next
        else { return nil }
        settings.demurrage = Demurrage(ratePPM: demurrage.ratePpm, period: period, account: account)
        settings.demurrageNext = next
        if let cursor = demurrage.cursor {
            guard let id = try? AccountID(cursor) else { return nil }
            settings.demurrageCursor = id
        }
        return settings
    }
}
