import NoaberProtocol
import NoaberStore

/// `key.list` and `category.list`: who may sign, and the care categories with their rates (the
/// rest of the settings travel with `ledger.status` and `ledger.state`).
extension LedgerService {
    func keyList(_ context: RequestContext) async throws -> KeyList {
        KeyList(keys: try await reads.read { try $0.keys() }.map(KeyInfo.init))
    }

    func categoryList(_ context: RequestContext) async throws -> CategoryList {
        CategoryList(categories: try await reads.read { try $0.categories() }.map(CategoryInfo.init))
    }
}
