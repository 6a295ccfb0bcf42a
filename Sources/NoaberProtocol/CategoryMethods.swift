package import NoaberCore

// `category.list`'s care categories with their hour rates (docs/PROTOCOL.md).

package struct CategoryInfo: Codable, Sendable, Equatable {
    package var category: String
    package var name: String
    package var hourRate: Int64
    package var setSeq: Int64

    package init(_ c: LedgerState.Category) {
        category = c.id
        name = c.name
        hourRate = c.hourRate
        setSeq = c.setSeq
    }
}

package struct CategoryList: Codable, Sendable {
    package var categories: [CategoryInfo]
    package init(categories: [CategoryInfo]) { self.categories = categories }
}
