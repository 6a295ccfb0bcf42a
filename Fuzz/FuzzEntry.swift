// The libFuzzer entry points of the one fuzz executable (scripts/fuzz.sh): NOABER_FUZZ_TARGET
// names the target (`FuzzTarget`'s raw values), so that one build serves them all.
import NoaberFuzzChecks

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

nonisolated(unsafe) private var target: FuzzTarget?

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    if let status = writeSeedsIfAsked() { exit(status) }
    let name = getenv("NOABER_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")
        complain("noaber-fuzz: set NOABER_FUZZ_TARGET to one of: \(names)\n")
        exit(2)
    }
    target = chosen
    return 0
}

/// `writeSeeds` into `NOABER_FUZZ_WRITE_SEEDS`, if set. A function of its own so that the path's
/// string is released before `exit`: LeakSanitizer's check at exit would report it otherwise.
private func writeSeedsIfAsked() -> CInt? {
    guard let directory = getenv("NOABER_FUZZ_WRITE_SEEDS").map({ String(cString: $0) }) else { return nil }
    return writeSeeds(into: directory)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    do { try target!.check(bytes) } catch {
        // A broken property is a crash to libFuzzer, which then saves the input.
        complain("FINDING \(target!.rawValue): \(error)\n")
        abort()
    }
    return 0
}

/// Writes to standard error without touching the C `stderr` global, which Swift 6 deems unsafe.
private func complain(_ text: String) {
    var text = text
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable's entry point as `<module>_main`, not as libFuzzer's `main`: so
/// this one hands over to libFuzzer's driver.
@_cdecl("noaber_fuzz_main")
public func fuzzMain(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &arguments) { data, size in testOneInput(data, size) }
}

/// Writes the fixed log's seeds into `directory`/<target>/; 0 when all were written.
private func writeSeeds(into directory: String) -> CInt {
    for seed in FixedLog.seeds() {
        let folder = directory + "/" + seed.target.rawValue
        mkdir(folder, 0o755)
        let fd = open(folder + "/" + seed.name, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0, seed.bytes.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) == seed.bytes.count else {
            complain("noaber-fuzz: cannot write \(folder)/\(seed.name)\n")
            return 1
        }
        close(fd)
    }
    return 0
}
