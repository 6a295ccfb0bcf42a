/// Repairs and hints for what people type at the command line, kept apart from the parser so
/// that they can be tested without running it.
package enum CommandLineWords {
    /// The arguments with each negative number that follows a long option joined to it, as
    /// `--amount=-1.00`: the parser would otherwise read `-1.00` as short options and say the
    /// option's value is missing, when the value is there and only its sign is wrong. A negative
    /// number after a flag was a mistake either way; joined, it is refused as a value for a flag.
    package static func joiningNegativeValues(_ arguments: [String]) -> [String] {
        var joined: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            let next = index + 1 < arguments.endIndex ? arguments[index + 1] : nil
            if argument.hasPrefix("--"), argument.count > 2, !argument.contains("="), let next,
                isNegativeNumber(next)
            {
                joined.append("\(argument)=\(next)")
                index += 2
            } else {
                // Past "--" everything is an argument, as the parser reads it too.
                if argument == "--" { return joined + arguments[index...] }
                joined.append(argument)
                index += 1
            }
        }
        return joined
    }

    /// "-1", "-1.00", "-0,5": a minus and a digit, then digits and at most one decimal mark.
    static func isNegativeNumber(_ text: String) -> Bool {
        let rest = text.utf8.dropFirst()
        guard text.utf8.first == UInt8(ascii: "-"), let first = rest.first, (48...57).contains(first) else {
            return false
        }
        return rest.allSatisfy { (48...57).contains($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") }
            && rest.count { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") } <= 1
    }

    /// The name among `names` that `word` was most likely meant to be: the only one it begins, or
    /// the one nearest a typo or two away (letters left out, added, changed or swapped); nil when
    /// none is, or two are as near.
    package static func nearest(_ word: String, among names: [String]) -> String? {
        let typed = word.lowercased()
        let starting = names.filter { $0.hasPrefix(typed) }
        if typed.count >= 2 && starting.count == 1 { return starting[0] }
        let distances = names.map { ($0, distance(typed, $0)) }
        guard let best = distances.min(by: { $0.1 < $1.1 }), best.1 <= max(1, min(2, best.0.count / 3)),
            distances.count(where: { $0.1 == best.1 }) == 1
        else { return nil }
        return best.0
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbouring letters each count one.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
