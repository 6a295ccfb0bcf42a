import NoaberCore

/// A payload is accepted in any byte layout, but it must be I-JSON, every field it writes must be
/// one the ledger read (the same value as its canonical encoding holds), and that encoding must
/// decode to the same payload and encode to the same bytes again.
enum PayloadChecks {
    static func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        // A `tx` or `credits` payload read in one pass is read only as the tree way reads it,
        // compared by its bytes too: `==` of strings cannot tell "é" from "e\u{301}".
        for (scanned, kind) in [(Payload.scannedTransaction(bytes), "tx"), (Payload.scannedCredits(bytes), "batch")] {
            guard let scanned else { continue }
            let general = try? Payload.decodeGenerally(bytes)
            try require(
                general == scanned && general?.encoded() == scanned.encoded(),
                "the one-pass reader read a \(kind) otherwise")
        }
        guard let payload = try? Payload.decode(bytes) else { return }
        // A `credits` payload may be read by the short way: only as the generic one reads it.
        if payload.kind == .credits {
            try require((try? Payload.decodeGenerally(bytes)) == payload, "the short way read a batch otherwise")
        }
        let written: ReferenceJSON
        switch ReferenceJSON.parse(bytes) {
        case .success(let tree): written = tree
        case .failure(let refusal): throw FuzzFinding("a payload that is not I-JSON was accepted: \(refusal.why)")
        }
        let canonical = payload.encoded()
        guard case .success(let understood) = ReferenceJSON.parse(canonical) else {
            throw FuzzFinding("the canonical encoding is not I-JSON")
        }
        try require(isPart(written, of: understood), "the payload holds a value the ledger read otherwise")
        let again: Payload
        do { again = try Payload.decode(canonical) } catch {
            throw FuzzFinding("the canonical encoding of an accepted payload is refused: \(error)")
        }
        try require(again == payload, "the canonical encoding decodes to another payload")
        try require(again.encoded() == canonical, "encoding is not stable")
    }

    /// Every member of `written` is in `understood` with the same value (an optional field the
    /// encoder writes back though absent would be in `understood` only).
    static func isPart(_ written: ReferenceJSON, of understood: ReferenceJSON) -> Bool {
        switch (written, understood) {
        case (.object(let a), .object(let b)):
            a.allSatisfy { key, value in b[key].map { isPart(value, of: $0) } ?? false }
        case (.array(let a), .array(let b)):
            a.count == b.count && zip(a, b).allSatisfy { isPart($0, of: $1) }
        default: written == understood
        }
    }
}
