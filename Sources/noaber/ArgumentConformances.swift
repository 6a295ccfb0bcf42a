package import ArgumentParser
package import NoaberAudit
package import NoaberCore

// Let the command line take roles and account kinds by their wire names.
extension KeyRole: ExpressibleByArgument {}
extension AccountKind: ExpressibleByArgument {}
extension AccountStatus: ExpressibleByArgument {}
extension StatementRenderer.Format: ExpressibleByArgument {}
extension ReportBuilder.Grouping: ExpressibleByArgument {}
extension Report.Format: ExpressibleByArgument {}
extension DemurragePeriod: ExpressibleByArgument {}
extension Language: ExpressibleByArgument {}

/// A value Core parses from text, with Core's reason when it cannot.
protocol ParsedFromText: Sendable {
    init(_ text: String) throws(LedgerError)
}

extension AccountID: ParsedFromText {}
extension Hours: ParsedFromText {}

/// An account id or hours, parsed once, when the command line is, so `run()` takes the value
/// as it is. Text that does not parse is kept with Core's reason for the command's `validate()`
/// to report as "--option: reason": ArgumentParser's own refusal would name neither.
struct Parsed<Value: ParsedFromText>: ExpressibleByArgument, Sendable, CustomStringConvertible {
    let text: String
    private let result: Result<Value, LedgerError>

    init?(argument: String) {
        text = argument
        do throws(LedgerError) { result = .success(try Value(argument)) } catch { result = .failure(error) }
    }

    /// The value; only `validate()` meets the failure, as "`option`: reason".
    func value(_ option: String) throws(ValidationError) -> Value {
        switch result {
        case .success(let value): return value
        case .failure(let error): throw ValidationError(option.isEmpty ? error.message : "\(option): \(error.message)")
        }
    }

    /// The value, once `validate()` has let the command run.
    var value: Value {
        guard case .success(let value) = result else {
            preconditionFailure("validate() lets no unparsed \(text) through")
        }
        return value
    }

    var description: String { text }
    var defaultValueDescription: String { text }
}

/// Refuses a negative amount before any daemon is asked, with the reason the ledger would give
/// (`--amount -1.00` reaches this as a value, not as options: see `joiningNegativeValues`). How
/// many decimals an amount may have is the ledger's scale, checked once the ledger is known.
func refuseNegative(_ text: String, option: String) throws(ValidationError) {
    guard text.hasPrefix("-") else { return }
    do { _ = try Money.parse(text, scale: Money.maxScale) } catch {
        throw ValidationError("\(option): \(error.message)")
    }
}
