#!/usr/bin/env python3
"""Checks that Package.swift declares exactly the modules each target imports.

A target that imports a module it does not declare builds only by luck (another target pulled the
module in first); a declared module nobody imports is a false statement about the design. Both are
reported, with the target and the module, and the script exits 1.
"""
import json
import os
import re
import subprocess
import sys

# Modules of the toolchain and the system, which no Package.swift declares.
SYSTEM = {"Foundation", "FoundationEssentials", "Glibc", "Darwin", "Dispatch", "Synchronization",
          "Testing", "XCTest", "Observation", "_Concurrency", "Musl"}
IMPORT = re.compile(r"^\s*(?:@testable\s+|@preconcurrency\s+)?(?:public\s+|package\s+|internal\s+|private\s+|fileprivate\s+)?import\s+(?:struct\s+|enum\s+|class\s+|func\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def header(text: str) -> str:
    """The file's leading block of imports and comments: an `import` inside a string later on
    (a Python script a test writes, say) is not one."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("//", "/*", "*", "import", "@testable", "@preconcurrency",
                                                 "public import", "package import", "internal import",
                                                 "private import", "#if", "#else", "#endif")):
            break
        lines.append(line)
    return "\n".join(lines)


def main() -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    package = json.loads(subprocess.check_output(["swift", "package", "dump-package"], cwd=root))
    problems = []
    for target in package["targets"]:
        if target["type"] == "system":
            continue
        name = target["name"]
        default = {"test": "Tests", "regular": "Sources", "executable": "Sources"}[target["type"]]
        path = os.path.join(root, target.get("path") or os.path.join(default, name))
        declared = set()
        for dependency in target["dependencies"]:
            for kind in ("byName", "target", "product"):
                if kind in dependency:
                    declared.add(dependency[kind][0])
        imported = set()
        for folder, _, files in os.walk(path):
            for file in files:
                if file.endswith(".swift"):
                    with open(os.path.join(folder, file), encoding="utf-8") as source:
                        imported.update(IMPORT.findall(header(source.read())))
        imported -= SYSTEM
        imported.discard(name)
        # A test target may depend on an executable so that `swift test` builds it first.
        executables = {t["name"] for t in package["targets"] if t["type"] == "executable"}
        for module in sorted(imported - declared):
            problems.append(f"{name}: imports {module} but Package.swift does not declare it")
        for module in sorted(declared - imported - executables):
            problems.append(f"{name}: declares {module} but imports it nowhere")
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"imports: {len(package['targets'])} targets declare exactly what they import")
    return 0


if __name__ == "__main__":
    sys.exit(main())
