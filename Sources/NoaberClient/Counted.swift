/// A count with its noun in the number the count takes: "1 line", "2 lines", "0 entries".
package func counted(_ count: some BinaryInteger, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
