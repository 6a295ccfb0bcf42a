import Foundation
package import NoaberCore
import NoaberCrypto

// Personal texts on the wire (docs/FORMAT.md §16, docs/PROTOCOL.md): beside an entry submitted to a
// version 2 ledger, and beside the entries served to a reader entitled to them.

package struct PersonalTextInfo: Codable, Sendable, Equatable {
    /// The payload field the text belongs to, e.g. `memo` or `admin_key.label`.
    package var path: String
    /// The 16-byte salt of its commitment, hex.
    package var salt: String
    package var text: String

    package init(_ text: PersonalText) {
        path = text.path
        salt = Hex.encode(text.salt)
        self.text = text.text
    }

    package init(path: String, salt: String, text: String) {
        self.path = path
        self.salt = salt
        self.text = text
    }

    package func personalText() -> PersonalText? {
        guard let salt = Hex.decodeLowercase(salt), salt.count == PersonalData.saltBytes else { return nil }
        return PersonalText(path: path, salt: salt, text: text)
    }
}

extension SubmitParams {
    package init(_ signed: SignedEntry, personal: [PersonalText]) {
        self.init(signed)
        // A version 1 entry has none, and its request stays exactly as before.
        self.personal = personal.isEmpty ? nil : personal.map(PersonalTextInfo.init)
    }

    package func personalTexts() throws(RPCError) -> [PersonalText] {
        var texts: [PersonalText] = []
        for info in personal ?? [] {
            guard let text = info.personalText() else {
                throw .invalidParams("personal: the salt of \"\(info.path)\" must be 32 lowercase hex characters")
            }
            texts.append(text)
        }
        return texts
    }
}

// A format 2 import sends a thousand personal texts with each batch: written by hand, the request
// line costs the client a tenth of what `JSONEncoder` took for it (the same bytes, tested).
extension SubmitParams: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("key_id")
        writer.string(keyId)
        writer.key("payload")
        writer.string(payload)
        if let personal {
            writer.key("personal")
            writer.array(personal)
        }
        writer.key("signature")
        writer.string(signature)
        writer.endObject()
    }
}

extension PersonalTextInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("path")
        writer.string(path)
        writer.key("salt")
        writer.string(salt)
        writer.key("text")
        writer.string(text)
        writer.endObject()
    }
}

extension EntryInfo {
    /// The personal texts served beside the entry, or nil when none were served.
    package func personalTexts() throws(VerificationFailure) -> [PersonalText]? {
        guard let personal else { return nil }
        var texts: [PersonalText] = []
        for info in personal {
            guard let text = info.personalText() else {
                throw VerificationFailure(seq: seq, reason: "malformed personal text \"\(info.path)\"")
            }
            texts.append(text)
        }
        return texts
    }
}
