import Foundation
import NoaberTestSupport
import Testing

/// The shipped systemd unit must be one that systemd accepts.
@Suite("deploy/")
struct DeployTests {
    static let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(
        where: FileManager.default.isExecutableFile(atPath:))

    @Test(.enabled(if: analyze != nil, "systemd-analyze is not installed; skipping the unit check"))
    func systemdAcceptsTheUnit() throws {
        let unit = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("deploy/noaberd.service"), encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/noaberd --config /etc/noaber/noaberd.conf"))
        // Point ExecStart at the binary just built, as install.sh would after installing it.
        let directory = try DaemonProcess.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("noaberd.service")
        try unit.replacingOccurrences(
            of: "/usr/local/bin/noaberd", with: DaemonProcess.binaries.appendingPathComponent("noaberd").path
        ).write(to: copy, atomically: true, encoding: .utf8)
        let result = try runProcess(URL(fileURLWithPath: Self.analyze!), ["verify", copy.path], in: directory)
        #expect(result.status == 0, "systemd-analyze verify: \(result.stdout)\(result.stderr)")
        #expect(!result.stderr.contains("Unknown key"), "\(result.stderr)")
    }
}
