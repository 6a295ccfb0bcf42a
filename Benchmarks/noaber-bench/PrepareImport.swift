import ArgumentParser
import Foundation
import NoaberCore
import NoaberCrypto

/// `noaber-bench prepare-import`: a fresh ledger with one issuer and its volunteers, and a month
/// of hours for them as the CSV file `noaber import` reads, so that run.sh can time the import
/// and then the verification of the imported ledger with the real CLI. The ledger is of entry
/// format 2, as a care organisation's new ledger is: its names and labels are commitments with the
/// texts beside them, and `noaber import` writes `credits` entries of 1,000 lines (FORMAT.md §17).
struct PrepareImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-import", abstract: "Make a ledger and a CSV file of hours to import into it.")

    @Option(help: "The daemon's socket (a fresh, uninitialised ledger).")
    var socket: String

    @Option(help: "Lines of the CSV file.")
    var lines = 20_000

    @Option(help: "Volunteers the lines are spread over.")
    var volunteers = 2_000

    @Option(help: "Where to write the CSV file.")
    var csv: String

    @Option(help: "Where to write the coordinator's key, which controls the issuer org:o001.")
    var coordinatorKeyOut: String

    @Option(help: "Where to write the admin's key, which reads the whole ledger.")
    var adminKeyOut: String

    func validate() throws {
        guard lines > 0, volunteers > 0 else { throw ValidationError("--lines and --volunteers must be positive") }
    }

    func run() async throws {
        let client = BenchClient(socket: socket, connections: 16)
        let (ledger, admin, coordinator, members) = try await client.createLedger(version: 2)
        try admin.write(toFile: adminKeyOut)
        try coordinator.write(toFile: coordinatorKeyOut)
        var opens = [("O001", AccountKind.issuer)]
        opens += (1...volunteers).map { (String(format: "V%05d", $0), AccountKind.member) }
        let entries = try opens.map { short, kind in
            try BenchClient.opening(
                short, kind: kind, ledger: ledger, admin: admin, coordinator: coordinator, members: members,
                version: 2)
        }
        _ = try await client.submit(entries)
        // Hours in quarters from 0.25 to 8, days of November, an id per line as organisations keep.
        var text = "account,date,hours,memo,external_id\n"
        for line in 0..<lines {
            let volunteer = String(format: "vol:v%05d", line % volunteers + 1)
            let hours = Double(line % 32 + 1) / 4
            text += "\(volunteer),2026-11-\(String(format: "%02d", line % 30 + 1)),\(hours),care,line-\(line)\n"
        }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        print("prepared a ledger of \(volunteers) volunteers and \(csv) with \(lines) lines")
    }
}
