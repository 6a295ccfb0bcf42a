import NoaberCore
import NoaberProtocol
import NoaberStore

/// `key.list` and `category.list`: who may sign, and the care categories with their rates (the
/// rest of the settings travel with `ledger.status` and `ledger.state`).
extension LedgerService {
    /// Every key to a key that may read every account; to any other, only itself: key labels name
    /// people.
    func keyList(_ context: RequestContext) async throws -> KeyList {
        let reader = try context.requireReader()
        try recordRead(context, .keyList, accounts: reader.readsEverything ? nil : [])
        let keys = try await reads.read { db in
            try db.revealed(try db.keys().filter { reader.readsEverything || $0.id == reader.keyID })
        }
        return KeyList(keys: keys.map(KeyInfo.init))
    }

    func categoryList(_ context: RequestContext) async throws -> CategoryList {
        CategoryList(categories: try await reads.read { try $0.categories() }.map(CategoryInfo.init))
    }
}
