#!/usr/bin/env python3
"""What each part of the generated code costs `cargo check`, in instructions.

The `check_time` bench times checks in seconds, which this machine's load moves by a tenth
or more. This script counts the instructions rustc executes instead, which do not move, so
that parts costing a few percent can be told apart. It needs valgrind and the 1,000-operation
crate that `cargo bench -p gateway-codegen --bench check_time` leaves in
`target/scale-crates/scale-1000`.

For each variant named on the command line it writes that variant of the crate's generated
`gateway_module.rs` into its `OUT_DIR`, checks the crate once (so the incremental cache holds that
code), touches `src/lib.rs`, and runs the invocation of rustc that `cargo check -v` printed
under `valgrind --tool=callgrind`. It prints the instructions and the difference from the
code as generated, with how many of the instructions ran inside the `#[operation]`
attributes (the proc macro itself; rustc's work on its output is not counted there), then
puts the generated file back.

Variants (experiments: they remove or reshape a part, the rest still compiles):
  as_generated  the code as the generator writes it
  no_docs       every `///` line removed
  no_diagnostics  the `#[diagnostic::on_unimplemented]` attributes removed
  wrappers_without_lets  the typed wrappers make their call in one expression
  defaults_inline  no `params::defaults` functions: each use is a closure of the default
  descriptors_bare  each descriptor is its constructor alone, without its builder chain

`--crate=scale-10` counts the bench's 10-operation crate instead (only `as_generated` makes
sense there), so that what the 990 more operations add can be told in instructions too.

Run: python3 gateway-codegen/benches/check_instructions.py as_generated descriptors_bare
"""

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

WORKSPACE = Path(__file__).resolve().parents[2]
SCALE = WORKSPACE / "target" / "scale-crates"
CRATE_NAME = next(
    (arg.removeprefix("--crate=") for arg in sys.argv[1:] if arg.startswith("--crate=")),
    "scale-1000",
)
CRATE = SCALE / CRATE_NAME


def no_docs(code):
    return "\n".join(line for line in code.split("\n") if not line.lstrip().startswith("///"))


def no_diagnostics(code):
    return re.sub(r" *#\[diagnostic::on_unimplemented\(\n(?:.*\n)*? *\)\]\n", "", code)


def wrappers_without_lets(code):
    return re.sub(
        r"let op = (OperationId::\w+)\.descriptor\(\);\n\s*let core = (<Core as ops::\w+>::call);\n"
        r"\s*self\.runtime\.(call_core\w*)\(([^,]+), op, params, core\)",
        r"self.runtime.\3(\4, \1.descriptor(), params, \2)",
        code,
    )


def defaults_inline(code):
    bodies = dict(
        re.findall(r"\n +pub fn (\w+)\(\) -> [^{]+\{\n +(.+)\n +\}", code.split("pub mod defaults {")[1])
    )
    code = re.sub(
        r"(?:params::)?defaults::(\w+)", lambda m: f"|| {bodies[m.group(1)]}", code
    )
    start = code.index("\npub mod defaults {") + 1
    # With its documentation and attributes, the lines above it at its depth.
    while code.rfind("\n", 0, start - 1) >= 0:
        previous = code.rfind("\n", 0, start - 1) + 1
        if not re.match(r"(///|#\[)", code[previous:start]):
            break
        start = previous
    end = code.index("\n}\n", start) + len("\n}\n")
    return code[:start] + code[end:]


def descriptors_bare(code):
    """Each operation's descriptor reduced to its constructor: what the builder chains (its
    parameters, return type and metadata) cost. It applies to code generated before the
    descriptors became a table of text (commit 11f68fd), which it measured."""
    start = code.index("    static OPERATIONS: ")
    end = code.index("\n    ];\n", start)
    table = code[start:end]
    heads = re.findall(r"OperationDescriptor::new\([^)]*\)", table)
    body = "".join(f"\n        {head}," for head in heads)
    return code[:start] + table[: table.index("= [") + 3] + body + code[end:]


VARIANTS = {
    "as_generated": lambda code: code,
    "no_docs": no_docs,
    "no_diagnostics": no_diagnostics,
    "wrappers_without_lets": wrappers_without_lets,
    "defaults_inline": defaults_inline,
    "descriptors_bare": descriptors_bare,
}


def rustc_invocation():
    """The environment and command of rustc's check of the crate, as cargo runs it."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(SCALE / "target"))
    (CRATE / "src" / "lib.rs").touch()
    output = subprocess.run(
        ["cargo", "check", "--offline", "-v"],
        cwd=CRATE,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    crate_name = CRATE_NAME.replace("-", "_")
    line = [l for l in output.splitlines() if f"--crate-name {crate_name} " in l][-1]
    command = shlex.split(line.strip().removeprefix("Running `").removesuffix("`"))
    # The crate's build script output; the newest if earlier builds left others.
    generated = list((SCALE / "target" / "debug" / "build").glob(f"{CRATE_NAME}-*/out/gateway_module.rs"))
    if not generated:
        sys.exit("the crate's generated gateway_module.rs is missing: run the check_time bench first")
    out_dir = max(generated, key=lambda path: path.stat().st_mtime).parent
    env = dict(os.environ, OUT_DIR=str(out_dir), CARGO_MANIFEST_DIR=str(CRATE))
    return command, env, out_dir / "gateway_module.rs"


def instructions(command, env):
    """The instructions rustc runs for `command`, counted by callgrind, and how many of them
    ran inside the `#[operation]` attributes (`None` if callgrind_annotate cannot tell)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out.%p"
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", "--trace-children=yes", f"--callgrind-out-file={out}"]
            + command,
            cwd=CRATE,
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f"rustc failed under callgrind:\n{result.stderr[-2000:]}")
        counts = re.findall(r"I\s+refs:\s+([\d,]+)", result.stderr)
        total = sum(int(count.replace(",", "")) for count in counts)
        return total, attribute_share(Path(tmp))


def attribute_share(folder):
    """The inclusive instructions of `gateway_macros::operation`, the entry point of every
    `#[operation]`, from the callgrind files in `folder`."""
    found = 0
    for out in folder.glob("callgrind.out.*"):
        annotated = subprocess.run(
            ["callgrind_annotate", "--inclusive=yes", "--threshold=100", str(out)],
            capture_output=True,
            text=True,
        ).stdout
        for line in annotated.splitlines():
            match = re.match(r"\s*([\d,]+) .*gateway_macros::operation \[", line)
            if match:
                found += int(match.group(1).replace(",", ""))
    return found or None


def main():
    names = [arg for arg in sys.argv[1:] if not arg.startswith("--crate=")] or ["as_generated"]
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        sys.exit(f"unknown variants {unknown}; known: {', '.join(VARIANTS)}")
    if not CRATE.is_dir():
        sys.exit(f"{CRATE} is missing: run `cargo bench -p gateway-codegen --bench check_time` first")
    command, env, generated = rustc_invocation()
    original = generated.read_text()
    baseline = None
    try:
        for name in ["as_generated"] + [n for n in names if n != "as_generated"]:
            generated.write_text(VARIANTS[name](original))
            warm = subprocess.run(command, cwd=CRATE, env=env, capture_output=True, text=True)
            if warm.returncode != 0:
                print(f"{name}: does not compile; skipped")
                continue
            (CRATE / "src" / "lib.rs").touch()
            count, attributes = instructions(command, env)
            baseline = baseline or count
            change = (count - baseline) / baseline * 100
            share = f"; #[operation]: {attributes:,}" if attributes else ""
            print(f"{name}: {count:,} instructions ({change:+.1f}%){share}", flush=True)
    finally:
        generated.write_text(original)


if __name__ == "__main__":
    main()
