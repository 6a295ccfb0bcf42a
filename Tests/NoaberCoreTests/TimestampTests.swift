import NoaberCore
import Testing

@Suite("Timestamp")
struct TimestampTests {
    /// Seconds since the epoch as computed by GNU `date -u -d … +%s`, independently of this code.
    @Test(arguments: [
        ("1970-01-01T00:00:00.000Z", 0 as Int64),
        ("1969-12-31T23:59:59.999Z", -1),
        ("2024-02-29T12:34:56.789Z", 1_709_210_096_789),
        ("2000-02-29T00:00:00.000Z", 951_782_400_000),
        ("1900-03-01T00:00:00.000Z", -2_203_891_200_000),
        ("1600-02-29T23:59:59.000Z", -11_670_912_001_000),
        ("2026-11-23T10:39:20.123Z", 1_795_430_360_123),
        ("2100-03-01T00:00:00.000Z", 4_107_542_400_000),
        ("0001-01-01T00:00:00.000Z", -62_135_596_800_000),
        ("9999-12-31T23:59:59.999Z", 253_402_300_799_999),
    ])
    func knownInstantsRoundTrip(text: String, milliseconds: Int64) throws {
        let time = Timestamp(millisecondsSinceEpoch: milliseconds)
        #expect(time.rfc3339 == text)
        #expect(time.description == text)
        let parsed = try #require(Timestamp(rfc3339: text))
        #expect(parsed == time)
    }

    /// Any `Int64` is written without trapping (a stored page or a hostile answer may hold one),
    /// in the long form past four-digit years, which is not read back; the instants are Java's
    /// `Instant.ofEpochMilli(Long.MIN_VALUE)` and `(Long.MAX_VALUE)`.
    @Test func theExtremesAreWrittenAndNotReadBack() {
        let cases: [(Int64, String)] = [
            (.min, "-292275055-05-16T16:47:04.192Z"), (.min + 1, "-292275055-05-16T16:47:04.193Z"),
            (.max, "292278994-08-17T07:12:55.807Z"), (-62_167_219_200_001, "-0001-12-31T23:59:59.999Z"),
        ]
        for (milliseconds, text) in cases {
            #expect(Timestamp(millisecondsSinceEpoch: milliseconds).rfc3339 == text)
            #expect(Timestamp(rfc3339: text) == nil)
        }
    }

    @Test func parsesWithoutMilliseconds() throws {
        let time = try #require(Timestamp(rfc3339: "2024-02-29T12:34:56Z"))
        #expect(time.millisecondsSinceEpoch == 1_709_210_096_000)
        #expect(time.rfc3339 == "2024-02-29T12:34:56.000Z")
    }

    @Test(arguments: [
        "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-13-01T00:00:00Z",
        "2024-00-10T00:00:00Z", "2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z", "2024-01-01T24:00:00Z",
        "2024-01-01T00:60:00Z", "2024-12-31T23:59:60Z", "2024-01-01T00:00:00", "2024-01-01T00:00:00.000",
        "2024-01-01T00:00:00+00:00", "2024-01-01 00:00:00Z", "2024-01-01t00:00:00Z", "2024-01-01T00:00:00z",
        "2024-01-01T00:00:00.12Z", "2024-01-01T00:00:00.1234Z", "2024-01-01T00:00:00,123Z", "2024-1-01T00:00:00Z",
        "+024-01-01T00:00:00Z", "2024-01-01T0a:00:00Z", "2024/01/01T00:00:00Z", "", "Z", "2024-01-01",
    ])
    func refusesMalformedOrImpossible(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func textOrderIsTimeOrder() {
        let instants: [Int64] = [
            -62_135_596_800_000, -11_670_912_001_000, -2_203_891_200_000, -86_400_001, -1_000, -1, 0, 1, 999, 1_000,
            59_999, 60_000, 86_399_999, 86_400_000, 951_782_400_000, 1_709_210_096_789, 1_795_430_360_123,
            4_107_542_400_000, 253_402_300_799_999,
        ]
        let times = instants.map(Timestamp.init(millisecondsSinceEpoch:))
        for a in times {
            for b in times {
                #expect((a < b) == (a.rfc3339 < b.rfc3339), "\(a) vs \(b)")
                #expect(a.rfc3339.utf8.count == 24)
            }
        }
    }

    @Test func everyDayOfALeapYearRoundTrips() throws {
        let start = try #require(Timestamp(rfc3339: "2024-01-01T00:00:00Z")).millisecondsSinceEpoch
        var days = Set<String>()
        for day in Int64(0)..<366 {
            let time = Timestamp(millisecondsSinceEpoch: start + day * 86_400_000 + 43_200_123)
            #expect(Timestamp(rfc3339: time.rfc3339) == time)
            days.insert(String(time.rfc3339.prefix(10)))
        }
        #expect(days.count == 366)
        #expect(days.contains("2024-02-29") && days.contains("2024-12-31") && !days.contains("2025-01-01"))
    }
}
