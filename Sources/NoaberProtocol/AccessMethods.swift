/// `access.log`: who read whose data, for a volunteer's "who looked at my data?" (GDPR art. 15).
package struct AccessLogParams: Codable, Sendable {
    /// Only the reads that showed this account (its own, or every account's).
    package var account: String?
    /// RFC 3339 UTC times; `to` is exclusive.
    package var fromTime: String?
    package var toTime: String?
    /// Records after this one, for paging.
    package var afterId: Int64?
    package var limit: Int?

    package static let maxLimit = 1000

    package init(
        account: String? = nil, fromTime: String? = nil, toTime: String? = nil, afterId: Int64? = nil, limit: Int? = nil
    ) {
        self.account = account
        self.fromTime = fromTime
        self.toTime = toTime
        self.afterId = afterId
        self.limit = limit
    }
}

package struct AccessLogRecord: Codable, Sendable, Equatable {
    package var id: Int64
    package var at: String
    package var keyId: String
    package var role: String
    package var method: String
    /// The accounts the answer showed; absent when it showed every account.
    package var accounts: [String]?
    package var peerUid: Int64?
    package var peerPid: Int64?

    package init(
        id: Int64, at: String, keyId: String, role: String, method: String, accounts: [String]?, peerUid: Int64?,
        peerPid: Int64?
    ) {
        self.id = id
        self.at = at
        self.keyId = keyId
        self.role = role
        self.method = method
        self.accounts = accounts
        self.peerUid = peerUid
        self.peerPid = peerPid
    }
}

package struct AccessLogResult: Codable, Sendable {
    package var records: [AccessLogRecord]
    /// True when more records follow the last one (ask again with its id as `after_id`).
    package var more: Bool

    package init(records: [AccessLogRecord], more: Bool) {
        self.records = records
        self.more = more
    }
}
