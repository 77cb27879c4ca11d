#!/usr/bin/env python3
"""Tokens and bytes of each section of a generated `gateway.rs`, roughly.

What checking a crate costs follows the code rustc parses, resolves and lowers more than its
bytes (`check_instructions.py` measures that), so this counts tokens per top-level item of
the generated module, grouping the module-level free functions. The lexer is approximate:
identifiers, literals and punctuation (`::`, `->` and `=>` as one) are tokens, and a `///`
line counts as one, as rustc reads it as one doc attribute.

With no argument it reads the newest `gateway.rs` of the 1,000-operation crate that
`cargo bench -p gateway-codegen --bench check_time` leaves in `target/scale-crates`.

Run: python3 gateway-codegen/benches/section_tokens.py [path/to/gateway.rs]
"""

import re
import sys
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[2]
BUILD = WORKSPACE / "target" / "scale-crates" / "target" / "debug" / "build"

TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z0-9_]*|\d+[\w.]*|::|->|=>|&&|\|\||[^\sA-Za-z0-9_]'
)
# An item at the generated module's depth: four spaces, then its keyword.
ITEM = re.compile(
    r"^    (?:pub(?:\(\w+\))? )?(?:async )?(fn|struct|enum|impl|mod|static|const|trait|use)\b"
    r"\s*(?:<[^>]*>\s*)?([\w:]+)?"
)
# The free functions are named after their wrappers; anything else is named by its item.
GATEWAY_FUNCTIONS = ("execute_operation", "execute_batch", "resolve")
FREE_FUNCTION = re.compile(r"^    pub (?:async )?fn \w+(?:<[^>]*>)?\(")


def sections(text):
    """{section: [tokens, bytes]}, in order of first appearance."""
    found = {}
    current = "header"
    for line in text.split("\n"):
        item = ITEM.match(line)
        if item:
            kind, name = item.group(1), item.group(2) or ""
            current = f"{kind} {name}"
            if FREE_FUNCTION.match(line) and name not in GATEWAY_FUNCTIONS:
                current = "module-level free functions"
        stripped = line.strip()
        tokens = 1 if stripped.startswith("///") else len(TOKEN.findall(stripped))
        counts = found.setdefault(current, [0, 0])
        counts[0] += tokens
        counts[1] += len(line) + 1
    return found


def main():
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        generated = list(BUILD.glob("scale-1000-*/out/gateway.rs"))
        if not generated:
            sys.exit("no generated gateway.rs: run `cargo bench -p gateway-codegen --bench check_time` first")
        path = max(generated, key=lambda p: p.stat().st_mtime)
    found = sections(path.read_text())
    total = sum(tokens for tokens, _ in found.values())
    print(f"{path}: {total:,} tokens")
    for name, (tokens, size) in sorted(found.items(), key=lambda entry: -entry[1][0]):
        if tokens * 100 >= total:
            print(f"{tokens:>9,} {tokens / total:6.1%} {size:>10,} bytes  {name}")


if __name__ == "__main__":
    main()
