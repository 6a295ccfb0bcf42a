import ArgumentParser
import Foundation
import NoaberCore

/// Measures noaberd and the machine it runs on; `Benchmarks/run.sh` drives the subcommands and
/// prints the targets table at the end.
@main
struct NoaberBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noaber-bench", abstract: "Measure noaberd on the shared workload.",
        subcommands: [Workload.self, CeilingCommand.self, PrepareImport.self, ReadsCommand.self, Targets.self],
        defaultSubcommand: Workload.self)

    /// The workload's short ids (O001, V00001, S001) as ledger accounts.
    static func account(_ short: String) throws -> AccountID {
        let prefix = short.hasPrefix("O") ? "org" : short.hasPrefix("V") ? "vol" : "shop"
        return try AccountID("\(prefix):\(short.lowercased())")
    }

    static func short(_ account: String) -> String { String(account.split(separator: ":")[1]).uppercased() }
}

/// `noaber-bench ceiling`: Ed25519 on one and every core, and the disk's fsync rate.
struct CeilingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ceiling", abstract: "Measure Ed25519 sign and verify and the fsync rate.")

    @Option(help: "A directory on the daemon's disk, for the fsync probe.")
    var directory: String

    @Option(help: "Append the figures to this file.")
    var figures: String?

    func run() throws {
        let ceiling = try Ceiling.measure(directory: directory)
        var out = Figures()
        for (threads, rate) in ceiling.signPerSecond.sorted(by: { $0.key < $1.key }) {
            print(String(format: "Ed25519 sign on %d core(s): %.0f per second", threads, rate))
            out["sign_\(threads)"] = rate
        }
        for (threads, rate) in ceiling.verifyPerSecond.sorted(by: { $0.key < $1.key }) {
            print(String(format: "Ed25519 verify on %d core(s): %.0f per second", threads, rate))
            out["verify_\(threads)"] = rate
        }
        print(String(format: "fsync of a 4 KiB page: %.0f per second", ceiling.fsyncPerSecond))
        out["fsync"] = ceiling.fsyncPerSecond
        out["cores"] = Double(Ceiling.cores)
        if let figures { try out.append(to: figures) }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
