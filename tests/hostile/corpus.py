"""The hostile inputs of issue 12: what each one is, how it is made, and the line it must give.

Each :class:`Case` builds its files in a workspace (a copy of the repository's config and catalog,
no scenario, a previous good report under ``reports/``) and runs one command line through
``llmplan.cli.main``: ``llmplan check`` for files (the workflow's own checks), or the command it
names. It must exit 2 with, for each expected mistake, a line ``llmplan: error: <where>: ...``
whose ``<where>`` names the file (and line), the entry and the field, holding the expected words.
Inputs are made by code where a file cannot hold them (a FIFO, a symbolic link loop, UTF-16
bytes, a 100,000-character title).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

S = "config/scenarios"
RUNS = "data/runs/runs.csv"
GOOD_RUNS = "N,D,loss\n" + "".join(
    f"{n:g},{d:g},{1.7 + 400 / n**0.34 + 410 / d**0.28:.6f}\n"
    for n in (1e8, 3e8, 1e9)
    for d in (2e9, 6e9, 2e10)
)


@dataclass(frozen=True)
class Case:
    """A hostile input and the lines it must produce."""

    id: str
    what: str
    files: dict[str, str | bytes] = field(default_factory=dict)
    expect: tuple[tuple[str, str], ...] = ()  # (where, words in the problem) per error line
    argv: tuple[str, ...] = ("check",)
    make: Callable[[Path], None] | None = None  # builds what a dict cannot (FIFOs, links)
    config: str | None = None  # the whole config/config.yaml (default: the repository's)


def scenario(name: str, body: str, *expect: tuple[str, str], what: str, **kw: object) -> Case:
    return Case(f"scenario/{name}", what, {f"{S}/{name}.yaml": body}, tuple(expect), **kw)  # type: ignore[arg-type]


def at(name: str, line: int | None, field_: str | None, entry: str | None = None) -> str:
    """The where-prefix of a message about config/scenarios/<name>.yaml."""
    parts = [f"{S}/{name}.yaml" + (f":{line}" if line else ""), f"entry '{entry or name}'"]
    if field_:
        parts.append(f"field '{field_}'")
    return ", ".join(parts)


HW = "budget:\n  hardware: h100-sxm\n"


def _fifo(path: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.mkfifo(root / path)

    return make


def _link(path: str, target: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / path).symlink_to(target)

    return make


def _loop(path: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / path).symlink_to(Path(path).name + ".other")
        (root / (path + ".other")).symlink_to(Path(path).name)

    return make


def _dir(path: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / path).mkdir(parents=True)

    return make


YAML_CASES = [
    scenario(
        "count-leading-zero",
        f"title: T\n{HW}  count: 010\n  days: 3\n",
        (at("count-leading-zero", 4, "budget.count"), "found 010, a number with a leading zero"),
        what="count: 010 (YAML 1.1 octal 8)",
    ),
    scenario(
        "count-hex",
        f"title: T\n{HW}  count: 0x1E\n  days: 3\n",
        (at("count-hex", 4, "budget.count"), "found 0x1E, a hexadecimal number"),
        what="count: 0x1E",
    ),
    scenario(
        "count-octal",
        f"title: T\n{HW}  count: 0o17\n  days: 3\n",
        (at("count-octal", 4, "budget.count"), "found 0o17, an octal number"),
        what="count: 0o17 (YAML 1.2 octal)",
    ),
    scenario(
        "count-binary",
        f"title: T\n{HW}  count: 0b1000\n  days: 3\n",
        (at("count-binary", 4, "budget.count"), "(YAML 1.1 would make it a number"),
        what="count: 0b1000 (YAML 1.1 binary 8, YAML 1.2 text)",
    ),
    scenario(
        "days-sexagesimal",
        f"title: T\n{HW}  count: 8\n  days: 1:30\n",
        (at("days-sexagesimal", 5, "budget.days"), "YAML 1.1 would make it a number"),
        what="days: 1:30 (YAML 1.1 base 60: 90)",
    ),
    scenario(
        "mfu-yes",
        f"title: T\n{HW}  count: 8\n  days: 3\n  mfu: yes\n",
        (at("mfu-yes", 6, "budget.mfu"), "cannot read 'yes' as a quantity"),
        what="mfu: yes (YAML 1.1 true)",
    ),
    scenario(
        "flops-1e400",
        "title: T\nbudget:\n  flops: 1e400\n",
        (at("flops-1e400", 3, "budget.flops"), "found 1e400, a number too large to represent"),
        what="a float that overflows to infinity",
    ),
    scenario(
        "int-5000-digits",
        "title: T\nbudget:\n  flops: 1" + "0" * 5000 + "\n",
        (at("int-5000-digits", 3, "budget.flops"), "a number of 5,001 digits"),
        what="an integer Python would refuse to read (over 4,300 digits)",
    ),
    scenario(
        "title-100k",
        "title: " + "x" * 100_000 + "\nbudget: {flops: 1e23}\n",
        (at("title-100k", 1, "title"), "found a value of 100,000 characters"),
        what="a 100,000-character title: refused, never cut",
    ),
    scenario(
        "title-300",
        "title: " + "x" * 300 + "\nbudget: {flops: 1e23}\n",
        (at("title-300", 1, "title"), "(300 characters); expected a one-line title"),
        what="a title over the 200-character limit",
    ),
    scenario(
        "title-esc",
        'title: "\\e[31mred\\e[0m"\nbudget: {flops: 1e23}\n',
        (at("title-esc", 1, "title"), "a control character (U+001B ESC)"),
        what="ESC (a terminal escape) in a title",
    ),
    scenario(
        "title-nul-escape",
        'title: "a\\0b"\nbudget: {flops: 1e23}\n',
        (at("title-nul-escape", 1, "title"), "a control character (U+0000 NUL)"),
        what="NUL written as a YAML escape",
    ),
    scenario(
        "description-rtl",
        'title: T\ndescription: "safe \\u202Eexe.txt"\nbudget: {flops: 1e23}\n',
        (
            at("description-rtl", 2, "description"),
            "(U+202E RIGHT-TO-LEFT OVERRIDE) at character 6",
        ),
        what="a right-to-left override in a description",
    ),
    scenario(
        "raw-nul-byte",
        "title: a\x00b\nbudget: {flops: 1e23}\n",
        (f"{S}/raw-nul-byte.yaml:1, entry 'raw-nul-byte'", "a control character (U+0000 NUL)"),
        what="a raw NUL byte in the file",
    ),
    scenario(
        "brackets-1000",
        "title: T\nbudget: {flops: 1e23}\nlaws: " + "[" * 1000 + "]" * 1000 + "\n",
        (f"{S}/brackets-1000.yaml:3, entry 'brackets-1000'", "nests deeper than 20 levels"),
        what="1,000 nested brackets",
    ),
    scenario(
        "mappings-30-deep",
        "title: T\nbudget: {flops: 1e23}\nx:\n"
        + "".join(f"{'  ' * (i + 1)}k{i}:\n" for i in range(30))
        + "  " * 31
        + "v\n",
        (f"{S}/mappings-30-deep.yaml:", "nests deeper than 20 levels"),
        what="30 nested mappings in block style",
    ),
    scenario(
        "key-number",
        "title: T\nbudget: {flops: 1e23}\n2024: x\n",
        (at("key-number", 3, "2024"), "the key 2024 is a number"),
        what="a key that is a number",
    ),
    scenario(
        "key-null",
        "title: T\nbudget:\n  ~: 1e23\n",
        (at("key-null", 3, "budget.~"), "the key ~ is a null (empty) value"),
        what="a key that is null",
    ),
    scenario(
        "key-list",
        "title: T\nbudget: {flops: 1e23}\n? [a, b]\n: 1\n",
        (f"{S}/key-list.yaml:3, entry 'key-list'", "a key is a list or mapping"),
        what="a complex key (a list)",
    ),
    scenario(
        "tag-binary",
        "title: !!binary aGVsbG8=\nbudget: {flops: 1e23}\n",
        (at("tag-binary", 1, "title"), "could not determine a constructor for the tag"),
        what="a !!binary value",
    ),
    scenario(
        "tag-timestamp",
        "title: !!timestamp 2024-01-01\nbudget: {flops: 1e23}\n",
        (at("tag-timestamp", 1, "title"), "tag 'tag:yaml.org,2002:timestamp'"),
        what="a !!timestamp value (a Python date object)",
    ),
    scenario(
        "merge-not-mapping",
        "title: T\nbudget:\n  <<: 5\n  flops: 1e23\n",
        (at("merge-not-mapping", 3, "budget.<<"), "expected a mapping or list of mappings"),
        what="a merge key on a number",
    ),
    scenario(
        "mfu-1e-300",
        f"title: T\n{HW}  count: 8\n  days: 3\n  mfu: 1e-300\n",
        (at("mfu-1e-300", 6, "budget.mfu"), "which is below 0.01 (1%)"),
        what="mfu: 1e-300",
    ),
    scenario(
        "count-1e30",
        f"title: T\n{HW}  count: 1e30\n  days: 3\n",
        (at("count-1e30", 4, "budget.count"), "which is above 10,000,000"),
        what="count: 1e30",
    ),
    scenario(
        "flops-5e-324",
        "title: T\nbudget:\n  flops: 5e-324\n",
        (at("flops-5e-324", 3, "budget.flops"), "below the budgets llmplan plans for"),
        what="flops: 5e-324 (a 33-parameter model)",
    ),
    scenario(
        "flops-1e40",
        "title: T\nbudget:\n  flops: 1e40\n",
        (at("flops-1e40", 3, "budget.flops"), "above the budgets llmplan plans for"),
        what="flops: 1e40",
    ),
    scenario(
        "days-1e9",
        f"title: T\n{HW}  count: 1\n  days: 1e9\n",
        (at("days-1e9", 5, "budget.days"), "which is above 3,653"),
        what="a billion days",
    ),
    scenario(
        "max-params-33",
        "title: T\nbudget: {flops: 1e23}\nconstraints:\n  max_params: 33\n",
        (at("max-params-33", 4, "constraints.max_params"), "which is below 1,000,000"),
        what="a 33-parameter cap",
    ),
    scenario(
        "tokens-per-param-tiny",
        "title: T\nbudget: {flops: 1e23}\ntokens_per_param: 1e-300\n",
        (at("tokens-per-param-tiny", 3, "tokens_per_param"), "which is below 0.1"),
        what="tokens_per_param: 1e-300",
    ),
    scenario(
        "pue-50",
        "title: T\nbudget: {flops: 1e23}\nassumptions: {pue: 50}\n",
        (at("pue-50", 3, "assumptions.pue"), "found number 50"),
        what="pue: 50",
    ),
    scenario(
        "primary-law-default",
        "title: T\nbudget: {flops: 1e23}\nlaws: [kaplan-2020, tokens-per-param]\n",
        (
            at("primary-law-default", 3, "laws"),
            "the primary law 'epoch-2024' (primary_law of config/config.yaml) is not among",
        ),
        what="laws without the config's primary law (was silently replaced by the first)",
    ),
    scenario(
        "many-mistakes",
        f"title: T\n{HW}  count: 010\n  days: 3\n  mfu: 1.5\ncolour: red\n",
        (at("many-mistakes", 4, "budget.count"), "leading zero"),
        what="several mistakes in one file: every one reported (the YAML ones first)",
    ),
    scenario(
        "many-schema-mistakes",
        "title: 42\nbudget: {flops: 1e23, flop: 2}\ncolour: red\nlaws: []\n",
        (at("many-schema-mistakes", 1, "title"), "found number 42"),
        (at("many-schema-mistakes", 2, "budget.flop"), "unknown key 'flop'"),
        (at("many-schema-mistakes", 3, "colour"), "unknown key 'colour'"),
        (at("many-schema-mistakes", 4, "laws"), "not empty"),
        what="four schema mistakes in one file, all reported",
    ),
    Case(
        "scenario/two-bad-files",
        "mistakes in two files, both reported at once with a count",
        {
            f"{S}/a.yaml": "title: A\nbudget: {flops: -1}\n",
            f"{S}/b.yaml": "title: B\nbudget: {pf_days: .nan}\n",
        },
        (
            (at("a", 2, "budget.flops"), "which is negative"),
            (at("b", 2, "budget.pf_days"), "not a finite number"),
            ("llmplan: 2 errors in 2 files", ""),
        ),
    ),
    Case(
        "scenario/directory",
        "a directory where a scenario file is expected",
        expect=((f"{S}/x.yaml", "found a directory"),),
        make=_dir(f"{S}/x.yaml"),
    ),
    Case(
        "scenario/symlink-loop",
        "a symbolic link loop where a scenario file is expected",
        expect=((f"{S}/x.yaml", "a symbolic link that loops"),),
        make=_loop(f"{S}/x.yaml"),
    ),
    Case(
        "scenario/fifo",
        "a named pipe where a scenario is expected (reading it would block forever)",
        expect=((f"{S}/x.yaml", "found a named pipe (FIFO)"),),
        make=_fifo(f"{S}/x.yaml"),
    ),
    Case(
        "scenario/dev-zero",
        "a link to /dev/zero (reading it would never end)",
        expect=((f"{S}/x.yaml", "found a device"),),
        make=_link(f"{S}/x.yaml", "/dev/zero"),
    ),
    scenario(
        "two-mib",
        "title: T\nbudget: {flops: 1e23}\n" + "# padding\n" * 220_000,
        (f"{S}/two-mib.yaml", "the file holds 2.1 MiB"),
        what="a 2 MiB scenario (the limit is 1 MiB)",
    ),
    Case(
        "scenario/utf16",
        "a scenario saved as UTF-16",
        {f"{S}/x.yaml": "title: T\nbudget: {flops: 1e23}\n".encode("utf-16")},
        ((f"{S}/x.yaml", "the file is UTF-16 text"),),
    ),
    Case(
        "scenario/latin1",
        "a scenario in Latin-1 (not UTF-8)",
        {f"{S}/x.yaml": "title: Caf\xe9 plan\nbudget: {flops: 1e23}\n".encode("latin-1")},
        ((f"{S}/x.yaml:1", "not UTF-8 text (byte 0xe9"),),
    ),
]

C = "data/catalog"
MODEL = (
    "models:\n  - id: my-model\n    name: {name}\n    family: Mine\n    year: 2024\n"
    "    architecture: decoder\n    params: {params}\n    tokens: 1T\n    source: my notes\n"
)

CATALOG_CASES = [
    Case(
        "catalog/notes-esc",
        "ESC in a model's notes",
        {f"{C}/mine.yaml": MODEL.format(name="M", params="7B") + '    notes: "\\e]8;;x\\e\\\\"\n'},
        ((f"{C}/mine.yaml:10", "(U+001B ESC)"),),
    ),
    Case(
        "catalog/params-1e30",
        "a model of 1e30 parameters",
        {f"{C}/mine.yaml": MODEL.format(name="M", params="1e30")},
        ((f"{C}/mine.yaml:7, entry 'my-model', field 'params'", "which is above 1e15"),),
    ),
    Case(
        "catalog/name-1000",
        "a 1,000-character model name",
        {f"{C}/mine.yaml": MODEL.format(name="n" * 1000, params="7B")},
        ((f"{C}/mine.yaml:3, entry 'my-model', field 'name'", "(1,000 characters)"),),
    ),
    Case(
        "catalog/year-hex",
        "a year written in hexadecimal",
        {f"{C}/mine.yaml": MODEL.format(name="M", params="7B").replace("2024", "0x7E8")},
        (
            (
                f"{C}/mine.yaml:5, entry 'my-model', field 'year'",
                "found 0x7E8, a hexadecimal number",
            ),
        ),
    ),
    Case(
        "catalog/peak-1e9",
        "an accelerator of 1e9 TFLOP/s",
        {
            f"{C}/chips.yaml": "hardware:\n  - id: my-chip\n    name: Chip\n"
            "    peak_tflops_dense: {bf16: 1e9}\n    memory_gb: 80\n    source: my notes\n"
        },
        ((f"{C}/chips.yaml:4, entry 'my-chip', field 'peak_tflops_dense.bf16'", "at most"),),
    ),
    Case(
        "catalog/two-bad-files",
        "mistakes in two catalog files, both reported",
        {
            f"{C}/a.yaml": MODEL.format(name="M", params="-7B"),
            f"{C}/b.yaml": "models: 5\n",
        },
        (
            (f"{C}/a.yaml:7, entry 'my-model', field 'params'", "which is negative"),
            (f"{C}/b.yaml:1, field 'models'", "found number 5"),
        ),
    ),
    Case(
        "catalog/fifo",
        "a named pipe among the catalog files",
        expect=((f"{C}/pipe.yaml", "found a named pipe (FIFO)"),),
        make=_fifo(f"{C}/pipe.yaml"),
    ),
]

CONFIG_CASES = [
    Case(
        "config/seed-negative",
        "a fit seed of -1 (numpy refused it inside the fit job)",
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n    seed: -1\n",
        files={RUNS: GOOD_RUNS},
        expect=(("config/config.yaml:4, field 'fits.mine.seed'", "found number -1"),),
    ),
    Case(
        "config/bootstrap-1e8",
        "bootstrap: 100000000",
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n    bootstrap: 100000000\n",
        files={RUNS: GOOD_RUNS},
        expect=(("config/config.yaml:4, field 'fits.mine.bootstrap'", "at most 10,000"),),
    ),
    Case(
        "config/sizes-per-budget-1e8",
        "sizes_per_budget: 100000000",
        config="fits:\n  s:\n    synthetic: {law: epoch-2024, budgets: [1.0e+19], "
        "sizes_per_budget: 100000000, noise_sd: 0.01, seed: 1}\n",
        expect=(
            ("config/config.yaml:3, field 'fits.s.synthetic.sizes_per_budget'", "at most 100"),
        ),
    ),
    Case(
        "config/dataset-integer",
        "an integer dataset name",
        config="fits:\n  2024:\n    path: data/runs/runs.csv\n",
        expect=(("config/config.yaml:2, field 'fits.2024'", "the key 2024 is a number"),),
    ),
    Case(
        "config/mfu-yes",
        "mfu: yes in the config, which Snakemake reads as true",
        config="assumptions:\n  mfu: yes\n",
        expect=(
            (
                "config/config.yaml:2, field 'assumptions.mfu'",
                "Snakemake reads (as YAML 1.1) as True",
            ),
        ),
    ),
    Case(
        "config/exponent-without-sign",
        "1.0e18 in the config, text for Snakemake",
        config="fits:\n  s:\n    synthetic: {law: epoch-2024, budgets: [1.0e18], "
        "sizes_per_budget: 3, noise_sd: 0.01, seed: 1}\n",
        expect=(
            (
                "config/config.yaml:3, field 'fits.s.synthetic.budgets[0]'",
                "written so that both read it: 1.0e+18",
            ),
        ),
    ),
    Case(
        "config/seed-leading-zero",
        "seed: 010 in the config",
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n    seed: 010\n",
        files={RUNS: GOOD_RUNS},
        expect=(("config/config.yaml:4, field 'fits.mine.seed'", "leading zero"),),
    ),
    Case(
        "config/primary-law-not-among-laws",
        "primary_law outside the config's laws",
        config="laws: [epoch-2024, tokens-per-param]\nprimary_law: kaplan-2020\n",
        expect=(("config/config.yaml:2, field 'primary_law'", "is not among laws"),),
    ),
    Case(
        "config/synthetic-law-not-parametric",
        "a synthetic sweep from a law that predicts no loss",
        config="fits:\n  s:\n    synthetic: {law: tokens-per-param, budgets: [1.0e+19], "
        "sizes_per_budget: 3, noise_sd: 0.01, seed: 1}\n",
        expect=(
            ("config/config.yaml:3, field 'fits.s.synthetic.law'", "found text 'tokens-per-param'"),
        ),
    ),
    Case(
        "config/dev-zero",
        "--config /dev/zero",
        argv=("check", "--config", "/dev/zero"),
        expect=(("/dev/zero", "found a device"),),
    ),
]


def runs_case(
    name: str, what: str, text: str | bytes, *expect: tuple[str, str], **kw: object
) -> Case:
    return Case(
        f"runs/{name}",
        what,
        {RUNS: text},
        tuple(expect),
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n",
        **kw,  # type: ignore[arg-type]
    )


ROWS_200K = "N,D,loss\n" + "1e8,2e9,3\n" * 200_001
RUN_CASES = [
    runs_case(
        "utf16",
        "a runs CSV saved as UTF-16 (Excel's 'Unicode text')",
        GOOD_RUNS.encode("utf-16"),
        (RUNS, "the file is UTF-16 text"),
    ),
    runs_case("header-only", "a header without rows", "N,D,loss\n", (RUNS, "has no rows")),
    runs_case(
        "ragged-long",
        "a row with a value too many (pandas shifted it into the index)",
        GOOD_RUNS + "1e8,2e9,3,4\n",
        (f"{RUNS}:11, entry 'row 10'", "the row has 4 values and the header 3 columns"),
    ),
    runs_case(
        "ragged-short",
        "a row with a value missing",
        GOOD_RUNS.replace("\n1e+09,2e+10", "\n1e+09", 1),
        (f"{RUNS}:10, entry 'row 9'", "the row has 2 values"),
    ),
    runs_case(
        "c-d-1000x",
        "C and D inconsistent by 1000x",
        "N,D,C,loss\n"
        + "".join(
            f"1e8,{d},{6e8 * d * 1000:g},{3 - d / 1e11}\n"
            for d in (1e9, 2e9, 4e9, 8e9, 1.6e10, 3.2e10)
        ),
        (f"{RUNS}:2, entry 'row 1', field 'C'", "is 1,000 times more than 6 N D"),
    ),
    runs_case(
        "perplexity",
        "a perplexity in the loss column",
        GOOD_RUNS.replace("N,D,loss\n", "N,D,loss\n1e8,2e9,253.1\n"),
        (f"{RUNS}:2, entry 'row 1', field 'loss'", "is it a perplexity?"),
    ),
    runs_case(
        "rows-200001",
        "200,001 rows (the limit is 200,000)",
        ROWS_200K,
        (f"{RUNS}:200002", "more than 200,000 rows"),
    ),
    runs_case(
        "columns-201",
        "201 columns",
        ",".join(f"c{i}" for i in range(201)) + "\n",
        (f"{RUNS}:1", "the header has 201 columns"),
    ),
    runs_case("nul-bytes", "NUL bytes in a CSV", "N,D,loss\n1\x00,2,3\n", (RUNS, "NUL bytes")),
    runs_case(
        "constant-loss",
        "every loss the same (approach 3 divided by zero)",
        "N,D,loss\n" + "".join(f"{n},{d},3\n" for n in (1e8, 2e8, 4e8) for d in (1e9, 2e9)),
        (f"{RUNS}, field 'loss'", "every row has the same loss"),
    ),
    runs_case(
        "five-rows",
        "five rows for five parameters",
        "N,D,loss\n" + "".join(f"{n},2e9,{3 - n / 1e9}\n" for n in (1e8, 2e8, 3e8, 4e8, 5e8)),
        (RUNS, "5 rows cannot determine the 5 parameters"),
    ),
    runs_case(
        "unclosed-quote",
        "an unclosed quote",
        'N,D,loss\n"1e8,2e9,3\n',
        (RUNS, "not a readable CSV"),
    ),
    runs_case(
        "run-id-esc",
        "ESC in a run id",
        "run,N,D,loss\n"
        + "".join(
            f"r\x1b[2J{i},{n},{d},{3 - n / 1e9 - d / 1e11}\n"
            for i, (n, d) in enumerate(
                [(1e8, 1e9), (2e8, 1e9), (4e8, 2e9), (1e8, 2e9), (2e8, 4e9), (4e8, 4e9)]
            )
        ),
        (f"{RUNS}:2, entry 'row 1', field 'run'", "(U+001B ESC)"),
    ),
    runs_case(
        "duplicate-column",
        "the column N twice",
        GOOD_RUNS.replace("N,D,loss", "N,N,loss"),
        (f"{RUNS}:1, field 'N'", "appears 2 times"),
    ),
    runs_case(
        "not-a-number",
        "text, empty and negative values in three columns: each column reported",
        GOOD_RUNS.replace("N,D,loss\n", "N,D,loss\nabc,,-3\n"),
        (f"{RUNS}:2, entry 'row 1', field 'N'", "'abc' is not a number"),
        (f"{RUNS}:2, entry 'row 1', field 'D'", "the value is empty"),
        (f"{RUNS}:2, entry 'row 1', field 'loss'", "-3 is not positive"),
    ),
    Case(
        "runs/directory",
        "a directory where the runs CSV is expected",
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n",
        make=_dir(RUNS),
        expect=((RUNS, "found a directory"),),
    ),
    Case(
        "runs/fifo",
        "a named pipe where the runs CSV is expected",
        config="fits:\n  mine:\n    path: data/runs/runs.csv\n",
        make=_fifo(RUNS),
        expect=((RUNS, "found a named pipe (FIFO)"),),
    ),
]


def cli(name: str, what: str, *argv: str, expect: tuple[str, str], **kw: object) -> Case:
    return Case(f"cli/{name}", what, argv=argv, expect=(expect,), **kw)  # type: ignore[arg-type]


def _deep_json(root: Path) -> None:
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000)


CLI_CASES = [
    cli("fit-dir", "llmplan fit /tmp", "fit", "/tmp", expect=("/tmp", "found a directory")),
    cli(
        "fit-budgets-inf",
        "--budgets inf",
        "fit",
        RUNS,
        "--budgets",
        "inf",
        expect=("command line, field '--budgets'", "found inf"),
        files={RUNS: GOOD_RUNS},
    ),
    cli(
        "fit-seed-negative",
        "--seed -1",
        "fit",
        RUNS,
        "--seed",
        "-1",
        expect=("command line, field '--seed'", "found -1"),
        files={RUNS: GOOD_RUNS},
    ),
    cli(
        "fit-bootstrap-1e8",
        "--bootstrap 100000000",
        "fit",
        RUNS,
        "--bootstrap",
        "100000000",
        expect=("command line, field '--bootstrap'", "from 0 to 10,000"),
        files={RUNS: GOOD_RUNS},
    ),
    cli(
        "fit-approach",
        "an argparse mistake is one line",
        "fit",
        RUNS,
        "--approach",
        "7",
        expect=("command line, field '--approach'", "invalid choice: '7'"),
        files={RUNS: GOOD_RUNS},
    ),
    cli(
        "allocate-fit-dir",
        "--fit /tmp",
        "allocate",
        "--flops",
        "1e23",
        "--fit",
        "/tmp",
        expect=("command line, field '--fit'", "/tmp: found a directory"),
    ),
    cli(
        "allocate-fit-deep-json",
        "--fit of 100,000 nested brackets (json recursion)",
        "allocate",
        "--flops",
        "1e23",
        "--fit",
        "deep.json",
        expect=("command line, field '--fit'", "JSON nested too deeply"),
        make=_deep_json,
    ),
    cli(
        "allocate-count-1e30",
        "--count 1e30",
        "allocate",
        "--gpu",
        "h100-sxm",
        "--count",
        "1e30",
        "--days",
        "1",
        expect=("command line, field '--count'", "which is above 10,000,000"),
    ),
    cli(
        "allocate-flops-tiny",
        "--flops 5e-324",
        "allocate",
        "--flops",
        "5e-324",
        expect=("command line, field '--flops'", "below the budgets llmplan plans for"),
    ),
    cli(
        "cost-count-fraction",
        "--count 8.5",
        "cost",
        "--params",
        "70B",
        "--tokens",
        "1.4T",
        "--gpu",
        "h100-sxm",
        "--count",
        "8.5",
        expect=("command line, field '--count'", "found 8.5"),
    ),
]

CASES: list[Case] = [*YAML_CASES, *CATALOG_CASES, *CONFIG_CASES, *RUN_CASES, *CLI_CASES]
