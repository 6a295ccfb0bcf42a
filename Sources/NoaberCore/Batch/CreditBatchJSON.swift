// A `credits` payload's bytes, written by hand: through `JSONEncoder` they were a third of the
// CPU an import spends signing, at a million lines. The bytes are exactly `JSONEncoder`'s (compact,
// keys sorted, slashes unescaped), which the tests check: a batch signed by an earlier version of
// the CLI must sign to the same bytes again, so that importing the same file replays it.

extension Payload {
    /// `encoded()` of a `credits` payload.
    func encodedCredits(_ batch: CreditBatch) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(200 + batch.credits.count * 240)
        out += #"{"credits":["#.utf8
        for (index, credit) in batch.credits.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += #"{"account":"#.utf8
            Self.write(string: credit.account.rawValue, to: &out)
            out += #","amount":"#.utf8
            out += String(credit.amount).utf8
            if let careDate = credit.careDate {
                out += #","care_date":"#.utf8
                Self.write(string: careDate, to: &out)
            }
            if let category = credit.category {
                out += #","category":"#.utf8
                Self.write(string: category, to: &out)
            }
            if let hourRate = credit.hourRate {
                out += #","hour_rate":"#.utf8
                out += String(hourRate).utf8
            }
            if let hours = credit.hours {
                out += #","hours":"#.utf8
                Self.write(string: hours, to: &out)
            }
            out += #","id":"#.utf8
            Self.write(string: credit.id, to: &out)
            if let memo = credit.memo {
                out += #","memo":"#.utf8
                Self.write(string: memo, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
        out += #"],"id":"#.utf8
        Self.write(string: id, to: &out)
        out += #","issuer":"#.utf8
        Self.write(string: batch.issuer.rawValue, to: &out)
        out += #","kind":"credits","ledger":"#.utf8
        Self.write(string: ledger, to: &out)
        out += #","v":"#.utf8
        out += String(v).utf8
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// A JSON string as `JSONEncoder` writes it: quotes, backslashes and control characters escaped
    /// (the short escapes where JSON has them), everything else as its UTF-8 bytes.
    static func write(string text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most texts (ids, accounts, commitments, dates) need no escape: their bytes go in whole.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            out.append(contentsOf: text.utf8)
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
