#!/usr/bin/env python3
"""Tokens and bytes of each section of a generated `gateway_module.rs`, roughly.

What checking a crate costs follows the code rustc parses, resolves and lowers more than its
bytes (`check_instructions.py` measures that), so this counts tokens per top-level item of
the generated module. The lexer is approximate: identifiers, literals and punctuation (`::`,
`->` and `=>` as one) are tokens; a `///` line counts as one, as rustc reads it as one doc
attribute, and so does a raw string literal over many lines (the operation table).

With no argument it reads the newest `gateway_module.rs` of the 1,000-operation crate that
`cargo bench -p gateway-codegen --bench check_time` leaves in `target/scale-crates`.

Run: python3 gateway-codegen/benches/section_tokens.py [path/to/gateway_module.rs]
"""

import re
import sys
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[2]
BUILD = WORKSPACE / "target" / "scale-crates" / "target" / "debug" / "build"

# A raw string literal that the line opens (`r"`, `r#"`): its closing quote and hashes end it.
RAW_OPENING = re.compile(r'\br(#*)"')
TOKEN = re.compile(
    r'"(?:\\.|[^"\\])*"|[A-Za-z_][A-Za-z0-9_]*|\d+[\w.]*|::|->|=>|&&|\|\||[^\sA-Za-z0-9_]'
)
# An item of the generated module: at the left margin, its keyword.
ITEM = re.compile(
    r"^(?:pub(?:\(\w+\))? )?(?:async )?(fn|struct|enum|impl|mod|static|const|trait|use)\b"
    r"\s*(?:<[^>]*>\s*)?([\w:]+)?"
)


def sections(text):
    """{section: [tokens, bytes]}, in order of first appearance."""
    found = {}
    current = "header"
    raw_end = None
    for line in text.split("\n"):
        item = ITEM.match(line)
        if item:
            kind, name = item.group(1), item.group(2) or ""
            current = f"{kind} {name}"
        stripped = line.strip()
        if raw_end:
            # Inside a raw string literal, which the opening line counted as one token.
            if raw_end not in stripped:
                tokens = 0
            else:
                tokens = len(TOKEN.findall(stripped.split(raw_end, 1)[1]))
                raw_end = None
        elif stripped.startswith("///"):
            tokens = 1
        else:
            opening = RAW_OPENING.search(stripped)
            if opening and opening.group(1) + '"' not in stripped[opening.end():]:
                raw_end = '"' + opening.group(1)
                tokens = len(TOKEN.findall(stripped[: opening.start()])) + 1
            else:
                tokens = len(TOKEN.findall(stripped))
        counts = found.setdefault(current, [0, 0])
        counts[0] += tokens
        counts[1] += len(line) + 1
    return found


def main():
    if len(sys.argv) > 1:
        path = Path(sys.argv[1])
    else:
        generated = list(BUILD.glob("scale-1000-*/out/gateway_module.rs"))
        if not generated:
            sys.exit("no generated gateway_module.rs: run `cargo bench -p gateway-codegen --bench check_time` first")
        path = max(generated, key=lambda p: p.stat().st_mtime)
    found = sections(path.read_text())
    total = sum(tokens for tokens, _ in found.values())
    print(f"{path}: {total:,} tokens")
    for name, (tokens, size) in sorted(found.items(), key=lambda entry: -entry[1][0]):
        if tokens * 100 >= total:
            print(f"{tokens:>9,} {tokens / total:6.1%} {size:>10,} bytes  {name}")


if __name__ == "__main__":
    main()
