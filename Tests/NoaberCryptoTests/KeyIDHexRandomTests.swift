import Foundation
import NoaberCrypto
import Testing

@Suite("Key ids")
struct KeyIDTests {
    static let rfc8032Public = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
    /// `printf d75a…511a | xxd -r -p | sha256sum | cut -c1-32`
    static let rfc8032KeyID = "21fe31dfa154a261626bf854046fd227"

    @Test func derivedFromThePublicKey() throws {
        let raw = try bytes(Self.rfc8032Public)
        let key = try Ed25519PublicKey(rawRepresentation: raw)
        let expected = String(SHA256.hash(raw).hex.prefix(32))
        #expect(key.keyID.hex == expected)
        #expect(key.keyID.hex == Self.rfc8032KeyID)
        #expect(KeyID(publicKey: key) == key.keyID)
        #expect(key.keyID.description == Self.rfc8032KeyID)
        let fromSeed = try Ed25519PrivateKey(
            rawRepresentation: bytes(
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        #expect(fromSeed.publicKey.keyID.hex == Self.rfc8032KeyID)
    }

    @Test func generatedIdsAreLowercaseHex() throws {
        let id = try Ed25519PrivateKey.generate().publicKey.keyID
        #expect(id.hex.count == 32)
        #expect(id.hex.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func parsing() throws {
        let upper = try #require(KeyID(hex: Self.rfc8032KeyID.uppercased()))
        #expect(upper.hex == Self.rfc8032KeyID)
        #expect(KeyID(hex: String(Self.rfc8032KeyID.dropLast())) == nil)
        #expect(KeyID(hex: Self.rfc8032KeyID + "0") == nil)
        #expect(KeyID(hex: Self.rfc8032KeyID + "00") == nil)
        #expect(KeyID(hex: "z" + Self.rfc8032KeyID.dropFirst()) == nil)
        #expect(KeyID(hex: "") == nil)
    }

    @Test func ordersByHex() throws {
        let low = try #require(KeyID(hex: "00000000000000000000000000000001"))
        let high = try #require(KeyID(hex: "F0000000000000000000000000000000"))
        #expect(low < high)
        #expect([high, low].sorted() == [low, high])
    }

    @Test func codableAsAJSONString() throws {
        let id = try #require(KeyID(hex: Self.rfc8032KeyID))
        let json = try JSONEncoder().encode([id])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(Self.rfc8032KeyID)\"]")
        #expect(try JSONDecoder().decode([KeyID].self, from: json) == [id])
        let upper = Data("[\"\(Self.rfc8032KeyID.uppercased())\"]".utf8)
        #expect(try JSONDecoder().decode([KeyID].self, from: upper) == [id])
    }

    @Test(arguments: ["[\"xyz\"]", "[\"21fe31dfa154a261626bf854046fd22\"]", "[\"21fe31dfa154a261626bf854046fd2270\"]"])
    func decodingRejectsMalformedIds(json: String) {
        do {
            _ = try JSONDecoder().decode([KeyID].self, from: Data(json.utf8))
            Issue.record("decoded a malformed key id from \(json)")
        } catch DecodingError.dataCorrupted {
            // expected
        } catch {
            Issue.record("wrong error for \(json): \(error)")
        }
    }
}

@Suite("Hex")
struct HexTests {
    @Test func encodesLowercase() {
        #expect(Hex.encode([0x00, 0xff, 0x0a, 0xB0]) == "00ff0ab0")
        #expect(Hex.encode([UInt8]()) == "")
        #expect(Hex.encode([0xde, 0xad].reversed()) == "adde")
    }

    @Test func everyByteEncodesAlikeFromAnArrayAndAnySequence() {
        let all = (0...255).map(UInt8.init)
        #expect(Hex.encode(all) == Hex.encode(AnySequence(all)))
        #expect(Hex.decodeLowercase(Hex.encode(all)) == all)
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("00ff0ab0") == [0x00, 0xff, 0x0a, 0xb0])
        #expect(Hex.decode("00FF0AB0") == [0x00, 0xff, 0x0a, 0xb0])
        #expect(Hex.decode("") == [])
    }

    @Test func strictDecodingTakesLowercaseOnly() {
        #expect(Hex.decodeLowercase("00ff0ab0") == [0x00, 0xff, 0x0a, 0xb0])
        #expect(Hex.decodeLowercase("") == [])
        for text in ["00FF0AB0", "00ff0aB0", "A0", "0F"] { #expect(Hex.decodeLowercase(text) == nil, "\(text)") }
    }

    @Test(arguments: ["0", "abc", "zz", "0g", "g0", " 00", "00 ", "é0", "0x00", "+1"])
    func rejectsBadInput(text: String) {
        #expect(Hex.decode(text) == nil)
        #expect(Hex.decodeLowercase(text) == nil)
    }

    @Test func roundTrips() throws {
        let all = (0...255).map(UInt8.init)
        #expect(Hex.decode(Hex.encode(all)) == all)
        let random = try SecureRandom.bytes(100)
        #expect(Hex.decode(Hex.encode(random)) == random)
        #expect(Hex.decode(Hex.encode(random).uppercased()) == random)
    }
}

@Suite("Secure random")
struct SecureRandomTests {
    @Test func returnsDistinctValuesOfTheAskedLength() throws {
        let first = try SecureRandom.bytes(32)
        let second = try SecureRandom.bytes(32)
        #expect(first.count == 32)
        #expect(second.count == 32)
        #expect(first != second)
        #expect(first != [UInt8](repeating: 0, count: 32))
        #expect(try SecureRandom.bytes(0) == [])
        #expect(try SecureRandom.bytes(1000).count == 1000)
    }
}
