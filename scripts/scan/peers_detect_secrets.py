#!/usr/bin/env python3
"""Extract detect-secrets' plugin test cases as a JSONL corpus, reading the tests as data.

    scripts/scan/peers_detect_secrets.py GIT_DIR COMMIT OUT.jsonl

Reads every ``tests/plugins/*_test.py`` of a detect-secrets checkout at COMMIT
(a bare git directory, read with ``git show``), parses it with ``ast`` (nothing is
imported or run) and writes one JSON object per ``pytest.mark.parametrize`` case
whose line and expectation can be evaluated from literals: string constants,
concatenation, ``str.format``, slices, ``textwrap.dedent`` and module-level
names bound to such values. Cases built from anything else (random numbers,
fixtures) are counted as skipped on stderr.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from typing import Any, Callable

# Plugin test file stem -> shared family. Families outside the ones the
# project's scanner covers are "other".
FAMILIES: dict[str, str] = {
    "aws_key": "cloud",
    "azure_storage_key": "cloud",
    "ibm_cloud_iam": "other",
    "ibm_cos_hmac": "other",
    "softlayer": "other",
    "cloudant": "other",
    "artifactory": "other",
    "github_token": "vcs-ci",
    "gitlab_token": "vcs-ci",
    "npm": "vcs-ci",
    "pypi_token": "vcs-ci",
    "slack": "chat",
    "discord": "chat",
    "telegram_token": "chat",
    "twilio": "messaging",
    "sendgrid": "messaging",
    "mailchimp_key": "messaging",
    "stripe_key": "payment",
    "square_oauth": "payment",
    "openai": "llm",
    "basic_auth": "database-url",
    "private_key": "private-key",
    "jwt": "jwt",
    "keyword": "generic",
    "high_entropy_strings": "other",
    "ip_public": "other",
}

TEXT_PARAMS = ("line", "payload", "file_content", "content")
EXPECT_PARAMS = ("should_flag", "expected_secret", "should_be_caught", "expected_output")
EXT_PARAMS = ("file_extension",)


class Unevaluable(Exception):
    """An expression that is not built from literals alone."""


@dataclass
class Case:
    """One extracted test case."""

    file: str
    rule: str
    test: str
    ext: str
    text: str
    positive: bool

    def record(self) -> dict[str, Any]:
        return {
            "tool": "detect-secrets",
            "file": self.file,
            "rule": self.rule,
            "family": FAMILIES.get(self.rule, "other"),
            "test": self.test,
            "ext": self.ext,
            "text": self.text,
            "positive": self.positive,
        }


class Evaluator:
    """Evaluates literal expressions against a table of module-level names."""

    def __init__(self, names: dict[str, Any]) -> None:
        self.names = names

    def eval(self, node: ast.expr) -> Any:
        method: Callable[[Any], Any] | None = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise Unevaluable(type(node).__name__)
        return method(node)

    def _Constant(self, node: ast.Constant) -> Any:
        return node.value

    def _Name(self, node: ast.Name) -> Any:
        if node.id not in self.names:
            raise Unevaluable(node.id)
        return self.names[node.id]

    def _Tuple(self, node: ast.Tuple) -> Any:
        return tuple(self.eval(e) for e in node.elts)

    def _List(self, node: ast.List) -> Any:
        return [self.eval(e) for e in node.elts]

    def _JoinedStr(self, node: ast.JoinedStr) -> Any:
        parts: list[str] = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                if v.format_spec is not None or v.conversion != -1:
                    raise Unevaluable("f-string format")
                parts.append(str(self.eval(v.value)))
            else:
                parts.append(str(self.eval(v)))
        return "".join(parts)

    def _BinOp(self, node: ast.BinOp) -> Any:
        left, right = self.eval(node.left), self.eval(node.right)
        if isinstance(node.op, ast.Add) and isinstance(left, (str, list, tuple)) and type(left) is type(right):
            return left + right
        if isinstance(node.op, ast.Mult) and isinstance(left, str) and isinstance(right, int) and right < 10000:
            return left * right
        raise Unevaluable("operator")

    def _Subscript(self, node: ast.Subscript) -> Any:
        value = self.eval(node.value)
        if not isinstance(value, (str, list, tuple)):
            raise Unevaluable("subscript")
        sl = node.slice
        if isinstance(sl, ast.Slice):
            lo = self.eval(sl.lower) if sl.lower else None
            hi = self.eval(sl.upper) if sl.upper else None
            if sl.step is not None:
                raise Unevaluable("slice step")
            return value[lo:hi]
        return value[self.eval(sl)]

    def _UnaryOp(self, node: ast.UnaryOp) -> Any:
        v = self.eval(node.operand)
        if isinstance(node.op, ast.USub) and isinstance(v, int):
            return -v
        raise Unevaluable("unary")

    def _Call(self, node: ast.Call) -> Any:
        f = node.func
        args = [self.eval(a) for a in node.args]
        kwargs = {k.arg: self.eval(k.value) for k in node.keywords if k.arg}
        if len(kwargs) != len(node.keywords):
            raise Unevaluable("**kwargs")
        if isinstance(f, ast.Attribute):
            if isinstance(f.value, ast.Name) and f.value.id == "textwrap" and f.attr == "dedent" and len(args) == 1:
                return textwrap.dedent(args[0])
            target = self.eval(f.value)
            if isinstance(target, str) and f.attr == "format":
                return target.format(*args, **kwargs)
            if isinstance(target, str) and f.attr in ("strip", "lstrip", "rstrip", "upper", "lower") and not kwargs:
                return getattr(target, f.attr)(*args)
        raise Unevaluable("call")


def flatten_labelled(values: Any) -> list[tuple[Any, ...]]:
    """Flattens [(label, [(a, b), ...]), ...] into [(label, a, b), ...]: the
    shape of a parametrize list built by a generator over labelled tables."""
    out: list[tuple[Any, ...]] = []
    for group in values:
        if not (isinstance(group, tuple) and len(group) == 2 and isinstance(group[1], (list, tuple))):
            raise Unevaluable("labelled table")
        for item in group[1]:
            out.append((group[0],) + tuple(item))
    return out


def parametrize(dec: ast.expr) -> tuple[list[str], ast.expr] | None:
    """Returns the names and the values expression of a pytest.mark.parametrize decorator."""
    if not (isinstance(dec, ast.Call) and isinstance(dec.func, ast.Attribute) and dec.func.attr == "parametrize"):
        return None
    if len(dec.args) < 2 or not isinstance(dec.args[0], ast.Constant) or not isinstance(dec.args[0].value, str):
        return None
    names = [n.strip() for n in dec.args[0].value.split(",")]
    return names, dec.args[1]


def asserted_count(fn: ast.FunctionDef) -> bool | None:
    """For a test without an expectation parameter: True when its assertion
    expects a finding (``assert len(x) == 1``, ``assert x``), False when it
    expects none, None when it cannot be told."""
    verdicts: set[bool] = set()
    for node in ast.walk(fn):
        if not isinstance(node, ast.Assert):
            continue
        t = node.test
        if isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq):
            rhs = t.comparators[0]
            if isinstance(rhs, ast.Constant) and isinstance(rhs.value, int):
                verdicts.add(rhs.value > 0)
        elif isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.Not):
            verdicts.add(False)
        elif isinstance(t, (ast.Name, ast.Call)):
            verdicts.add(True)
    return verdicts.pop() if len(verdicts) == 1 else None


def truthy(v: Any) -> bool:
    if isinstance(v, (list, tuple, dict, str)):
        return len(v) > 0
    return bool(v)


def module_names(tree: ast.Module) -> dict[str, Any]:
    names: dict[str, Any] = {}
    ev = Evaluator(names)
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if isinstance(node.value, ast.List):
                # A table of cases keeps the rows that can be evaluated.
                rows: list[Any] = []
                for e in node.value.elts:
                    try:
                        rows.append(ev.eval(e))
                    except (Unevaluable, ValueError, IndexError, KeyError, TypeError):
                        pass
                names[node.targets[0].id] = rows
                continue
            try:
                names[node.targets[0].id] = ev.eval(node.value)
            except (Unevaluable, ValueError, IndexError, KeyError, TypeError):
                pass
    return names


def functions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef]]:
    out: list[tuple[str, ast.FunctionDef]] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            out.append((node.name, node))
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, ast.FunctionDef):
                    out.append((node.name + "." + sub.name, sub))
    return out


def extract_file(path: str, source: str) -> tuple[list[Case], int]:
    tree = ast.parse(source, filename=path)
    rule = path.rsplit("/", 1)[-1].removesuffix("_test.py")
    ev = Evaluator(module_names(tree))
    cases: list[Case] = []
    skipped = 0
    for test, fn in functions(tree):
        for dec in fn.decorator_list:
            p = parametrize(dec)
            if p is None:
                continue
            names, values = p
            text_i = next((names.index(n) for n in TEXT_PARAMS if n in names), None)
            if text_i is None:
                continue
            exp_i = next((names.index(n) for n in EXPECT_PARAMS if n in names), None)
            ext_i = next((names.index(n) for n in EXT_PARAMS if n in names), None)
            default = asserted_count(fn) if exp_i is None else None
            if exp_i is None and default is None:
                continue
            if isinstance(values, ast.Call) and len(values.args) == 1 and not values.keywords:
                rows_expr: list[ast.expr] | None = None
                try:
                    rows: list[Any] = flatten_labelled(ev.eval(values.args[0]))
                except Unevaluable:
                    skipped += 1
                    continue
            elif isinstance(values, (ast.List, ast.Tuple)):
                rows_expr = list(values.elts)
                rows = []
            else:
                skipped += 1
                continue
            if rows_expr is not None:
                for e in rows_expr:
                    try:
                        rows.append(ev.eval(e))
                    except (Unevaluable, ValueError, IndexError, KeyError, TypeError):
                        skipped += 1
            # Flattened rows can repeat a table under labels; keep each text once per label.
            seen: set[tuple[str, str]] = set()
            for row in rows:
                if len(names) == 1:
                    row = (row,)
                if not isinstance(row, tuple) or len(row) != len(names):
                    skipped += 1
                    continue
                text = row[text_i]
                if not isinstance(text, str):
                    skipped += 1
                    continue
                ext = row[ext_i] if ext_i is not None and row[ext_i] else ""
                positive = truthy(row[exp_i]) if exp_i is not None else bool(default)
                if (ext, text) in seen:
                    continue
                seen.add((ext, text))
                cases.append(Case(path, rule, test, str(ext), text, positive))
    return cases, skipped


def git(git_dir: str, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True).stdout


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    git_dir, commit, out = argv[1], argv[2], argv[3]
    commit = git(git_dir, "rev-parse", commit + "^{commit}").strip()
    paths = [p for p in git(git_dir, "ls-tree", "--name-only", commit, "tests/plugins/").split()
             if p.endswith("_test.py")]
    total, skipped = 0, 0
    with open(out, "w", encoding="utf-8") as w:
        for path in sorted(paths):
            try:
                cases, n = extract_file(path, git(git_dir, "show", commit + ":" + path))
            except SyntaxError as e:
                raise SystemExit(f"parsing {path}: {e}") from e
            skipped += n
            for c in cases:
                w.write(json.dumps(c.record(), ensure_ascii=False, sort_keys=True) + "\n")
                total += 1
    print(f"{total} cases from {len(paths)} files at {commit}, {skipped} skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
