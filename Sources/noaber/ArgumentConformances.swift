package import ArgumentParser
package import NoaberCore
package import NoaberAudit

// Let the command line take roles and account kinds by their wire names.
extension KeyRole: ExpressibleByArgument {}
extension AccountKind: ExpressibleByArgument {}
extension AccountStatus: ExpressibleByArgument {}
extension StatementRenderer.Format: ExpressibleByArgument {}
extension ReportBuilder.Grouping: ExpressibleByArgument {}
extension Report.Format: ExpressibleByArgument {}
extension DemurragePeriod: ExpressibleByArgument {}
