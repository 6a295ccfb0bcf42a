import NoaberCore
import NoaberCrypto
import Testing

/// Care categories: a rate per hour in force from its entry on, never retroactively.
@Suite("Ledger rules: care categories")
struct CategoryRulesTests {
    func set(_ id: String, _ rate: Int64, name: String? = nil) -> Payload.Body {
        .categorySet(CategorySet(category: id, name: name ?? id, hourRate: rate))
    }

    func credit(_ hours: String, rate: Int64, category: String?, amount: Int64) throws -> Payload.Body {
        try tx(
            .credit, postings: [("org:zorgkring", -amount), ("vol:jan", amount)], memo: nil, hours: hours,
            hourRate: rate, category: category)
    }

    @Test func aCreditPaysTheRateInForceForItsCategory() throws {
        var c = try Community()
        try c.ledger.submit(set("persoonlijke-verzorging", 2000))
        try c.ledger.submit(
            try credit("1.5", rate: 2000, category: "persoonlijke-verzorging", amount: 3000), by: c.coordinator)
        // A rate change applies from its entry on: the old rate is refused afterwards, the new one taken.
        try c.ledger.submit(set("persoonlijke-verzorging", 2200))
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try credit("1", rate: 2000, category: "persoonlijke-verzorging", amount: 2000), by: c.coordinator),
            .invalidHours(
                "hour_rate 2000 (20.00 ZMT) is not the hour rate of category persoonlijke-verzorging, 22.00 ZMT"))
        try c.ledger.submit(
            try credit("1", rate: 2200, category: "persoonlijke-verzorging", amount: 2200), by: c.coordinator)
        #expect(try c.ledger.balance("vol:jan") == 5200, "the first credit kept its own rate")
        #expect(c.ledger.state.categories["persoonlijke-verzorging"]?.hourRate == 2200)
        // Without a category, the ledger's own rate.
        try c.ledger.submit(
            try credit("1", rate: TestLedger.hourRate, category: nil, amount: TestLedger.hourRate), by: c.coordinator)
    }

    @Test func badCategoriesAndRatesAreRefused() throws {
        var c = try Community()
        c.ledger.expectRefusal(
            try c.ledger.sign(try credit("1", rate: 1000, category: "onbekend", amount: 1000), by: c.coordinator),
            .invalidPayload("category onbekend does not exist (see `noaber category list`)"))
        c.ledger.expectRefusal(try c.ledger.sign(set("x", 0)), .invalidAmount("hour_rate must be more than zero"))
        c.ledger.expectRefusal(try c.ledger.sign(set("x", -5)), .invalidAmount("hour_rate must be more than zero"))
        c.ledger.expectRefusal(
            try c.ledger.sign(set("Boodschappen", 1000)), reason: "invalid_payload",
            mentioning: ["must be 1 to 40 of a-z 0-9 -"])
        c.ledger.expectRefusal(
            try c.ledger.sign(set("1x", 1000)), reason: "invalid_payload", mentioning: ["starting with a letter"])
        c.ledger.expectRefusal(
            try c.ledger.sign(set("x", 1000), by: c.coordinator), reason: "unauthorized",
            mentioning: ["set care categories"])
        try c.ledger.submit(set("boodschappen", 1000))
        c.ledger.expectRefusal(
            try c.ledger.sign(set("boodschappen", 1000)),
            .invalidPayload("category boodschappen already has this name and hour rate"))
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try tx(
                    .credit, postings: [("org:zorgkring", -100), ("vol:jan", 100)], memo: nil, hours: nil,
                    hourRate: nil, category: "boodschappen"), by: c.coordinator),
            .invalidPayload("category is given without hours"))
        // Hours too precise, or zero, are refused whatever the category.
        c.ledger.expectRefusal(
            try c.ledger.sign(
                try credit("0.125", rate: 1000, category: "boodschappen", amount: 125), by: c.coordinator),
            reason: "invalid_hours")
        c.ledger.expectRefusal(
            try c.ledger.sign(try credit("0", rate: 1000, category: "boodschappen", amount: 0), by: c.coordinator),
            reason: "invalid_amount")
    }
}
