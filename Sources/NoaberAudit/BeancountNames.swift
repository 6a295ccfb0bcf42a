package import NoaberCore

/// How Noaber's account ids and currency code become beancount names.
///
/// An issuer owes the coins it created, so its account is under `Liabilities:`; members and
/// merchants hold coins, under `Assets:`. Each `:`-part of the id follows, its first letter
/// capitalised and `_` and `.` written `-`, because beancount allows only letters, digits and `-`
/// in a part: `org:zorgkring` is `Liabilities:Org:Zorgkring`, `vol:jan_peeters` is
/// `Assets:Vol:Jan-peeters`. That mapping can give two ids one name; such a ledger is refused
/// rather than merged.
package enum BeancountNames {
    package static let openingAccount = "Equity:Opening-Balances"

    package static func account(_ id: AccountID, kind: AccountKind) -> String {
        let root = kind == .issuer ? "Liabilities" : "Assets"
        let parts = id.rawValue.split(separator: ":").map { part in
            let dashed = String(String.UnicodeScalarView(part.unicodeScalars.map { $0 == "_" || $0 == "." ? "-" : $0 }))
            return dashed.prefix(1).uppercased() + dashed.dropFirst()
        }
        return ([root] + parts).joined(separator: ":")
    }

    /// Beancount's commodity names start with a capital letter; Noaber's codes may start with a digit.
    package static func checkCurrency(_ code: String) throws(ExportError) {
        guard let first = code.utf8.first, (65...90).contains(first) else { throw .beancountCurrency(code) }
    }

    /// Checks a whole list of accounts at once, so that the CLI can refuse before writing anything.
    package static func check(accounts: [(AccountID, AccountKind)], currency: String) throws(ExportError) {
        try checkCurrency(currency)
        var names = Registry()
        for (id, kind) in accounts.sorted(by: { $0.0 < $1.0 }) { _ = try names.register(id, kind: kind) }
    }

    /// The names given so far, to find a second id for the same name.
    struct Registry {
        private var owners: [String: AccountID] = [:]

        mutating func register(_ id: AccountID, kind: AccountKind) throws(ExportError) -> String {
            let name = BeancountNames.account(id, kind: kind)
            if let first = owners[name], first != id {
                throw .beancountNameCollision(name: name, first: first, second: id)
            }
            owners[name] = id
            return name
        }

        func name(of id: AccountID, kind: AccountKind) -> String { BeancountNames.account(id, kind: kind) }
    }
}
