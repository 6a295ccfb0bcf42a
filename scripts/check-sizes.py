#!/usr/bin/env python3
"""Checks the size habits of CONTRIBUTING.md: a Swift file of at most 400 lines, a function (or
initializer, or closure-valued property) of at most 80, unless a `// size:` comment says why —
on the file's first lines for a file, just above the declaration for a function.

Long code is where a reader loses the thread; the limit makes its author say why it is worth it.
"""
import os
import re
import sys

FILE_LIMIT = 400
FUNCTION_LIMIT = 80
DECLARATION = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:package|public|internal|private|fileprivate|static|final|override|mutating|nonisolated|convenience|required|class)\s+)*(func\s+[^\s(<]+|init[?!]?\s*[(<]|subscript\s*\()")


def body_length(lines: list[str], start: int) -> int:
    """Lines from the declaration to the brace that closes its body, or 0 without a body."""
    depth = 0
    opened = False
    for index in range(start, len(lines)):
        code = re.sub(r'"(?:\\.|[^"\\])*"', '""', lines[index].split("//")[0])
        for char in code:
            if char == "{":
                depth += 1
                opened = True
            elif char == "}":
                depth -= 1
                if opened and depth == 0:
                    return index - start + 1
        # A requirement in a protocol has no body: its signature ends before a blank line or the
        # next declaration.
        if not opened and index > start and (not code.strip() or DECLARATION.match(lines[index])):
            return 0
    return 0


def excused(lines: list[str], index: int) -> bool:
    return any("// size:" in line for line in lines[max(0, index - 3):index])


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []
    for top in ("Sources", "Tests", "Benchmarks"):
        for folder, _, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(folder, name)
                relative = os.path.relpath(path, root)
                with open(path, encoding="utf-8") as source:
                    lines = source.read().splitlines()
                if len(lines) > FILE_LIMIT and not any("// size:" in line for line in lines[:10]):
                    problems.append(f"{relative}: {len(lines)} lines (at most {FILE_LIMIT}, or say why with `// size:`)")
                for index, line in enumerate(lines):
                    if DECLARATION.match(line) and not line.lstrip().startswith("//"):
                        length = body_length(lines, index)
                        if length > FUNCTION_LIMIT and not excused(lines, index):
                            problems.append(
                                f"{relative}:{index + 1}: {line.strip()[:60]}… is {length} lines "
                                f"(at most {FUNCTION_LIMIT}, or say why with `// size:`)")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"sizes: every file within {FILE_LIMIT} lines and every function within {FUNCTION_LIMIT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
