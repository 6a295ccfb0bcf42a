import Foundation
import NoaberFuzzChecks
import Testing

/// The inputs the fuzzer once failed on (Tests/Fixtures/fuzz/<target>/), each replayed through
/// its target's properties: every one must now be decoded correctly or refused.
@Suite struct FuzzFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fuzz")

    /// Every fixture, as (target, file name).
    static let fixtures: [(FuzzTarget, String)] = FuzzTarget.allCases.flatMap { target in
        let folder = root.appendingPathComponent(target.rawValue).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { (target, $0) }
    }

    @Test(arguments: fixtures.map { "\($0.0.rawValue)/\($0.1)" })
    func findingStaysFixed(_ fixture: String) throws {
        let target = try #require(FuzzTarget(rawValue: String(fixture.prefix { $0 != "/" })))
        let bytes = try [UInt8](Data(contentsOf: Self.root.appendingPathComponent(fixture)))
        #expect(throws: Never.self) { try target.check(bytes) }
    }

    /// The fixtures are found (a moved folder would otherwise make this suite test nothing).
    @Test func fixturesAreFound() {
        #expect(Self.fixtures.count >= 3)
    }
}
