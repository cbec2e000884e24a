"""Mutation score of the core rule modules: one small change at a time, against the tests that cover it.

    nice -n 15 .venv/bin/python bench/mutation.py [--group scope ...] [--max-per-group 30] [--seed 18] [--list]
        [--out results.md] [--survivors-of earlier.md] [--ref HEAD~3]

Each mutant is written into a throw-away copy of the working tree (tracked and new files), never into the clone
itself, so a crash or Ctrl-C cannot leave a mutant behind. The group's unmutated tests run once first, traced
(bench/mutation_trace.py): which test runs which line of the mutated modules, and how long it takes (the
modules' memo caches are emptied before each traced test, so code that builds a cached value is filed under
every test that needs it); they must pass, or the group is skipped. Each mutant then runs only the tests that
reach its lines, fastest first, stopping at the first failure (`pytest -x`, SQLite, a generous per-mutant
timeout); a mutant no test reaches survives without a run, and a mutant of code run at import runs all of the
group's tests. Runs are forked from a server (bench/mutation_server.py) that has pytest and the libraries
imported already but not the project, so each run imports the mutated source. A failing run kills the mutant.
Prints a markdown table (group, mutants, killed, score) and every survivor as file:line and the change; `--out`
writes it to a file. A measuring tool like the rest of bench/, not part of .ci/run.

Operators: comparison flip (< ↔ <=, == ↔ !=, in ↔ not in, is ↔ is not), condition negated, `and` ↔ `or` and
`&` ↔ `|` (SQL conditions), number and boolean constants moved (n → n + 1, True ↔ False), `+` ↔ `-`, a call
statement removed (an event, audit row or notification not written), a condition dropped from a query's
`.where`/`.filter` or an `and_`/`or_` (a scope, state or date filter gone), an `.order_by` or `.desc()` dropped
(an order lost), a member removed from (or a sibling added to) a set of allowed states or a tuple, and a
capability loosened (manage/oversee/inspect → view).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# group: (modules to mutate, tests that cover them). Test files that do not exist yet are left out.
GROUPS: dict[str, tuple[list[str], list[str]]] = {
    "hazards": (["safety/hazards/policy.py", "safety/hazards/services.py", "safety/core/transitions.py"],
                ["tests/rules/test_hazard_rules.py", "tests/rules/test_reopen_rules.py",
                 "tests/rules/test_transitions.py", "tests/rules/test_write_matrix.py", "tests/api/test_hazards.py",
                 "tests/api/test_deadline_rules.py", "tests/documents/test_ledger_and_fixes.py",
                 # the sweep's set-based move and the offices' records are written here
                 "tests/rules/test_escalation_rules.py", "tests/api/test_escalations.py",
                 "tests/rules/test_hazard_closing_rules.py", "tests/rules/test_submission_record_rules.py",
                 "tests/rules/test_hazard_edges_more.py", "tests/rules/test_hazard_point_rules.py",
                 # rectification evidence: not the photo that recorded the hazard
                 "tests/api/test_evidence_rules.py::"
                 "test_the_photo_that_recorded_the_hazard_or_a_copy_cannot_prove_its_rectification",
                 "tests/api/test_evidence_rules.py::"
                 "test_the_same_photo_as_evidence_of_two_hazards_is_flagged_for_the_office"]),
    "inspections": (["safety/inspections/validation.py", "safety/inspections/services.py"],
                    ["tests/rules/test_checklist_edges.py", "tests/rules/test_inspection_rules.py",
                     "tests/rules/test_inspection_rules_more.py", "tests/api/test_inspections.py",
                     "tests/rules/test_inspection_conditions.py", "tests/rules/test_hazard_point_rules.py",
                     "tests/api/test_coverage.py", "tests/api/test_evidence_rules.py",
                     "tests/documents/test_ledger_and_fixes.py", "tests/rules/test_submission_record_rules.py",
                     # one INSERT per table and no reload after it: the statement budget is the behaviour
                     "tests/perf/test_statement_budgets.py"]),
    "escalations": (["safety/escalations/jobs.py", "safety/escalations/services.py", "safety/escalations/policy.py"],
                    ["tests/rules/test_escalation_rules.py", "tests/rules/test_reopen_rules.py",
                     "tests/api/test_escalations.py", "tests/api/test_deadline_rules.py",
                     "tests/rules/test_queue_sources.py", "tests/rules/test_office_action_rules.py",
                     "tests/rules/test_sweep_edges.py", "tests/rules/test_escalation_conditions.py",
                     "tests/rounds/test_round_queue_by_school.py",
                     "tests/notifications/test_escalation_summary.py",
                     # the queue's other row sources
                     "tests/rounds/test_rounds.py::"
                     "test_repeated_misses_land_in_the_districts_queue_until_a_round_is_done",
                     "tests/rounds/test_checks.py::test_completion_late_schools_in_the_queue_and_finishing_late",
                     "tests/rounds/test_returns.py::test_late_returns_go_to_the_districts_queue",
                     "tests/campaigns/test_bullying.py::test_a_late_investigation_escalates_to_the_district_queue",
                     "tests/campaigns/test_season.py::"
                     "test_a_silent_school_is_flagged_lagging_when_its_letters_fall_due_and_reaches_the_queue"]),
    "scope": (["safety/accounts/scope.py"],
              ["tests/rules/test_scope_rules.py", "tests/rules/test_scope_conditions.py",
               "tests/rules/test_write_matrix.py", "tests/api/test_scoping.py",
               "tests/rules/test_escalation_rules.py",
               "tests/api/test_coverage.py::test_overdue_points_are_told_to_the_school_once_a_day",
               # class teachers: what their classes' scope lets them see and do, and nothing of the school
               "tests/api/test_no_leaks.py", "tests/campaigns/test_class_teachers.py", "tests/students"]),
    "drill cadence": (["safety/drills/rules.py"],
                      ["tests/drills", "tests/rules/test_drill_cadence_rules.py",
                       "tests/rules/test_drill_cadence_rules_more.py", "tests/rounds/test_rounds.py",
                       "tests/rules/test_drill_rotation_rules.py"]),
    "campaign receipts and tasks": (["safety/campaigns/letters/receipts.py", "safety/campaigns/runs/jobs.py"],
                                    ["tests/campaigns", "tests/rules/test_campaign_rules.py",
                                     "tests/rules/test_receipt_rules_more.py",
                                     "tests/rules/test_campaign_task_rules_more.py",
                                     # class teachers told of their classes' new tasks (runs/jobs.py)
                                     "tests/browser/test_campaign_work_http.py::"
                                     "test_a_class_teacher_is_told_of_their_class_tasks_and_the_inbox_leads_to_the_class_page"]),
    "ratelimit": (["safety/core/ratelimit.py"],
                  ["tests/api/test_throttling.py", "tests/rules/test_rate_limit_rules.py", "tests/api/test_auth.py",
                   "tests/api/test_hazards.py::test_public_report_with_a_photo_and_rate_limit",
                   "tests/rules/test_rate_limit_order_rules.py", "tests/rules/test_rate_limit_buckets.py"]),
}

SQL_CONDITIONS = {"where", "filter", "and_", "or_"}
LOOSER_CAPABILITY = {"manage": "view", "oversee": "manage", "inspect": "view"}
FLIP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
        ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.In: "in",
          ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}


@dataclass
class Mutant:
    path: str
    line: int
    what: str
    start: tuple[int, int]  # (line, col) of the replaced source segment, 1-based lines
    end: tuple[int, int]
    text: str
    verdict: str = ""

    def apply(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        offsets = [0]
        for line in lines:
            offsets.append(offsets[-1] + len(line.encode()))
        raw = source.encode()
        begin = offsets[self.start[0] - 1] + self.start[1]
        finish = offsets[self.end[0] - 1] + self.end[1]
        return (raw[:begin] + self.text.encode() + raw[finish:]).decode()


def _segment(node: ast.AST) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset)


class Finder(ast.NodeVisitor):
    """Collects one mutant per applicable spot; each replaces one node's source text with a mutated version."""

    def __init__(self, path: str, tree: ast.Module):
        self.path, self.mutants = path, []
        self.siblings: dict[str, set[str]] = {}  # enum-like base name → member names seen (S.reported, …)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                self.siblings.setdefault(node.value.id, set()).add(node.attr)
        self.docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                           if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
                           and n.body and isinstance(n.body[0], ast.Expr)
                           and isinstance(n.body[0].value, ast.Constant)}

    def add(self, node: ast.AST, replacement: ast.AST | str, what: str, parenthesise: bool = True) -> None:
        text = replacement if isinstance(replacement, str) else ast.unparse(replacement)
        start, end = _segment(node)
        self.mutants.append(Mutant(self.path, node.lineno, what, start, end, f"({text})" if parenthesise else text))

    # --- skipped regions: imports, table definitions, decorators' scheduling arguments ------------------
    def visit_ImportFrom(self, node):
        return

    def visit_Import(self, node):
        return

    def visit_ClassDef(self, node):
        if any("Model" in ast.unparse(base) for base in node.bases):
            return  # column definitions: lengths and indexes are not rules
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        for statement in node.body:
            self.visit(statement)
        for default in node.args.defaults + node.args.kw_defaults:
            if default is not None:
                self.visit(default)

    # --- operators -----------------------------------------------------------------------------------
    def visit_Compare(self, node):
        for i, op in enumerate(node.ops):
            if type(op) in FLIP:
                mutated = ast.Compare(node.left, list(node.ops), node.comparators)
                mutated.ops[i] = FLIP[type(op)]()
                self.add(node, mutated, f"`{SYMBOL[type(op)]}` → `{SYMBOL[FLIP[type(op)]]}` in "
                                        f"`{_short(node)}`")
        self.generic_visit(node)

    def visit_BoolOp(self, node):
        other = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        names = ("and", "or") if isinstance(node.op, ast.And) else ("or", "and")
        self.add(node, ast.BoolOp(other, node.values), f"`{names[0]}` → `{names[1]}` in `{_short(node)}`")
        self.generic_visit(node)

    def visit_BinOp(self, node):
        swaps = {ast.BitAnd: (ast.BitOr, "&", "|"), ast.BitOr: (ast.BitAnd, "|", "&"),
                 ast.Add: (ast.Sub, "+", "-"), ast.Sub: (ast.Add, "-", "+")}
        if type(node.op) in swaps and not _is_string(node):
            op, old, new = swaps[type(node.op)]
            self.add(node, ast.BinOp(node.left, op(), node.right), f"`{old}` → `{new}` in `{_short(node)}`")
        self.generic_visit(node)

    def visit_UnaryOp(self, node):
        if isinstance(node.op, ast.Not | ast.Invert):
            self.add(node, node.operand, f"negation dropped in `{_short(node)}`")
        self.generic_visit(node)

    def _negate(self, test: ast.expr) -> None:
        if not isinstance(test, ast.UnaryOp):
            self.add(test, ast.UnaryOp(ast.Not(), test), f"condition negated: `{_short(test)}`")

    def visit_If(self, node):
        self._negate(node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node):
        self._negate(node.test)
        self.generic_visit(node)

    def visit_While(self, node):
        self._negate(node.test)
        self.generic_visit(node)

    def visit_comprehension(self, node):
        for condition in node.ifs:
            self._negate(condition)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if id(node) in self.docstrings:
            return
        where = f" (column {node.col_offset + 1})"  # a line often holds the same constant twice
        if isinstance(node.value, bool):
            self.add(node, ast.Constant(not node.value), f"`{node.value}` → `{not node.value}`{where}")
        elif isinstance(node.value, int | float):
            self.add(node, ast.Constant(node.value + 1), f"`{node.value}` → `{node.value + 1}`{where}")

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Call) and id(node.value) not in self.docstrings:
            self.add(node, "pass", f"call removed: `{_short(node.value)}`", parenthesise=False)
        self.generic_visit(node)

    def visit_Call(self, node):
        """A condition dropped from a query's `.where(...)`/`.filter(...)` or an `and_`/`or_`: a scope, state or
        date filter gone (one condition of several, or a lone `.where` with it)."""
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name in SQL_CONDITIONS and not node.keywords:
            if len(node.args) > 1:
                for i, condition in enumerate(node.args):
                    kept = ast.Call(node.func, [a for j, a in enumerate(node.args) if j != i], [])
                    self.add(node, kept, f"condition dropped: `{_short(condition)}` from `{name}`")
            elif len(node.args) == 1 and isinstance(node.func, ast.Attribute) and name in ("where", "filter"):
                self.add(node, node.func.value, f"condition dropped: `.{name}({_short(node.args[0])})`")
        elif isinstance(node.func, ast.Attribute) and name == "order_by":
            self.add(node, node.func.value, f"`.order_by({', '.join(map(_short, node.args))})` dropped")
        elif isinstance(node.func, ast.Attribute) and name == "desc" and not node.args:
            self.add(node, node.func.value, f"`{_short(node.func.value)}` ascending, not `.desc()`")
        self.generic_visit(node)

    def visit_Set(self, node):
        self._members(node, "{", "}")
        attributes = [e for e in node.elts if isinstance(e, ast.Attribute) and isinstance(e.value, ast.Name)]
        if attributes and len(attributes) == len(node.elts):
            base = attributes[0].value.id
            present = {e.attr for e in attributes}
            for extra in sorted(self.siblings.get(base, set()) - present):
                if extra[:1].islower():
                    mutated = ast.Set([*node.elts, ast.Attribute(ast.Name(base), extra)])
                    self.add(node, mutated, f"`{base}.{extra}` added to `{_short(node)}`")
        self.generic_visit(node)

    def visit_Tuple(self, node):
        if isinstance(node.ctx, ast.Load) and all(isinstance(e, ast.Constant | ast.Attribute) for e in node.elts):
            self._members(node, "(", ")")
        self.generic_visit(node)

    def _members(self, node, opening: str, closing: str) -> None:
        if len(node.elts) < 2:
            return
        for i, element in enumerate(node.elts):
            rest = [ast.unparse(e) for j, e in enumerate(node.elts) if j != i]
            text = opening + ", ".join(rest) + ("," if opening == "(" and len(rest) == 1 else "") + closing
            self.add(node, text, f"`{ast.unparse(element)}` removed from `{_short(node)}`", parenthesise=False)

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "Capability" and node.attr in LOOSER_CAPABILITY:
            looser = LOOSER_CAPABILITY[node.attr]
            self.add(node, f"Capability.{looser}", f"`Capability.{node.attr}` → `Capability.{looser}`",
                     parenthesise=False)
        self.generic_visit(node)


def _short(node: ast.AST, limit: int = 70) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_string(node: ast.BinOp) -> bool:
    return any(isinstance(side, ast.Constant | ast.JoinedStr) and isinstance(getattr(side, "value", ""), str)
               for side in (node.left, node.right))


def find(tree_root: Path, path: str) -> list[Mutant]:
    source = (tree_root / path).read_text()
    tree = ast.parse(source)
    finder = Finder(path, tree)
    finder.visit(tree)
    valid = []
    for mutant in finder.mutants:
        try:
            compile(mutant.apply(source), path, "exec")
        except SyntaxError:
            continue
        valid.append(mutant)
    return valid


def sample(mutants: list[Mutant], cap: int | None, seed: int) -> list[Mutant]:
    if cap is None or len(mutants) <= cap:
        return mutants
    chosen = random.Random(seed).sample(range(len(mutants)), cap)
    return [mutants[i] for i in sorted(chosen)]


def copy_tree(target: Path, ref: str | None) -> None:
    """Tracked and new (not ignored) files of the working tree (what a clean clone plus your edits holds),
    or the files of a commit."""
    if ref:
        archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
        return
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


class Runner:
    """The fork server (bench/mutation_server.py) running in the copy: one pytest run per request."""

    def __init__(self, copy: Path, tests: list[str]):
        self.copy = copy
        env = {**_env(), "PYTHONPATH": os.pathsep.join([str(copy), str(copy / "bench")]),
               "PYTHONDONTWRITEBYTECODE": "1"}
        self.process = subprocess.Popen([sys.executable, str(copy / "bench" / "mutation_server.py"), json.dumps(tests)],
                                        cwd=copy, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        json.loads(self.process.stdout.readline())

    def run(self, tests: list[str], timeout: float, plugins: tuple[str, ...] = (), env: dict | None = None
            ) -> tuple[str, float]:
        """'passed', 'failed', 'timeout' or 'error N', and the seconds it took."""
        args = ["-x", "-q", "-n", "0", "-p", "no:cacheprovider", "-p", "no:randomly", *plugins, *tests,
                "-W", "ignore::pytest.PytestAssertRewriteWarning"]  # plugins were imported by the fork server
        self.log = self.copy / ".mutation-run.log"  # the last run's output, shown when the unmutated run fails
        request = {"args": args, "timeout": timeout, "env": env or {}, "log": str(self.log)}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        code = answer["code"]
        outcome = ("timeout" if code is None else "passed" if code == 0 else "failed" if code == 1
                   else f"error {code}")  # 2-5: interrupted, internal error, usage error, nothing collected
        return outcome, answer["seconds"]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait()


def _env() -> dict:
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)  # SQLite: mutants are judged on the embedded default
    return env


def trace(runner: Runner, copy: Path, modules: list[str], tests: list[str]) -> tuple[str, float, dict]:
    """The unmutated run, recording which test runs which line of `modules` (see bench/mutation_trace.py)."""
    out = copy / ".mutation-trace.json"
    env = {"MUTATION_TRACE_FILES": os.pathsep.join(str(copy / m) for m in modules), "MUTATION_TRACE_OUT": str(out)}
    outcome, took = runner.run(tests, 3600, plugins=("-p", "mutation_trace"), env=env)
    found = json.loads(out.read_text())["tests"] if out.exists() else {}
    return outcome, took, found


def covering(mutant: Mutant, copy: Path, found: dict) -> list[str] | None:
    """The tests that run the mutant's lines, fastest first; None when import-time code is mutated (every test
    is affected)."""
    path, lines = str(copy / mutant.path), set(range(mutant.start[0], mutant.end[0] + 1))
    if lines & set(found.get("", {}).get("lines", {}).get(path, [])):
        return None
    hits = [(entry["seconds"], nodeid) for nodeid, entry in found.items()
            if nodeid and lines & set(entry["lines"].get(path, []))]
    return [nodeid for _, nodeid in sorted(hits)]


def earlier_survivors(report_file: str) -> set[tuple[str, int, str]]:
    """(path, line, change) of every survivor (and mutant killed by a timeout) listed in an earlier report."""
    found = re.findall(r"^- `([^`:]+):(\d+)` (.*?) \((?:no test runs this line|\d+ tests run it|timeout)\)$",
                       Path(report_file).read_text(), re.MULTILINE)
    return {(path, int(line), what) for path, line, what in found}


def run_group(copy: Path, name: str, cap: int | None, seed: int, listing: bool, only: set | None = None) -> dict:
    modules, tests = GROUPS[name]
    tests = [t for t in tests if (copy / t.split("::")[0]).exists()]
    mutants = sample([m for path in modules for m in find(copy, path)], cap, seed)
    already = 0
    if only is not None:  # tests were only added since: what was killed then is killed now
        rerun = [m for m in mutants if (m.path, m.line, m.what) in only]
        already, mutants = len(mutants) - len(rerun), rerun
    print(f"\n## {name}: {len(mutants) + already} mutants over {', '.join(modules)}"
          + (f" ({already} killed in the earlier report, {len(mutants)} re-run)" if only is not None else "")
          + f"\n   tests: {' '.join(tests)}", flush=True)
    result = {"name": name, "mutants": len(mutants) + already, "killed": already, "survivors": [], "seconds": 0.0,
              "timeouts": []}
    if listing:
        for m in mutants:
            print(f"   {m.path}:{m.line}  {m.what}")
        return result
    started = time.monotonic()
    runner = Runner(copy, tests)
    try:
        outcome, baseline, found = trace(runner, copy, modules, tests)
        if outcome != "passed":
            print(f"   unmutated tests do not pass ({outcome}); group skipped\n{runner.log.read_text()[-3000:]}",
                  flush=True)
            return {**result, "killed": None}
        everything = [nodeid for _, nodeid in sorted((e["seconds"], n) for n, e in found.items() if n)]
        slowest = max([e["seconds"] for e in found.values()] or [1.0])
        print(f"   unmutated run {baseline:.0f} s (traced); slowest test {slowest:.1f} s", flush=True)
        originals = {path: (copy / path).read_text() for path in modules}
        for i, mutant in enumerate(mutants, 1):
            selected = covering(mutant, copy, found)
            # Generous: on a busy machine a run can take several times as long as the traced one did.
            selected, timeout = (everything, baseline * 6 + 120) if selected is None else (
                selected, 6 * sum(found[n]["seconds"] for n in selected) + 120)
            if not selected:
                outcome, took = "not run", 0.0
            else:
                target = copy / mutant.path
                target.write_text(mutant.apply(originals[mutant.path]))
                try:
                    outcome, took = runner.run(selected, timeout)
                finally:
                    target.write_text(originals[mutant.path])
            if outcome in ("passed", "not run"):
                mutant.verdict = "no test runs this line" if outcome == "not run" else f"{len(selected)} tests run it"
                result["survivors"].append(mutant)
            else:
                result["killed"] += 1
                if outcome == "timeout":
                    mutant.verdict = "timeout"
                    result["timeouts"].append(mutant)
            label = {"passed": "SURVIVED", "not run": "UNTESTED"}.get(outcome, outcome)
            print(f"   [{i}/{len(mutants)}] {label:8} {took:5.1f} s {len(selected):4} tests  "
                  f"{mutant.path}:{mutant.line}  {mutant.what}", flush=True)
    finally:
        runner.close()
    result["seconds"] = time.monotonic() - started
    return result


def report(results: list[dict], argv: list[str]) -> str:
    """Markdown: the score table, then every survivor as file:line and the change."""
    lines = [f"`{' '.join(['bench/mutation.py', *argv])}`", "",
             "| module group | mutants | killed | score | killed by a timeout | minutes |", "|---|---|---|---|---|---|"]
    for r in results:
        score = "skipped" if r["killed"] is None else f"{100 * r['killed'] / max(1, r['mutants']):.0f} %"
        lines.append(f"| {r['name']} | {r['mutants']} | {r['killed']} | {score} | {len(r['timeouts'])} | "
                     f"{r['seconds'] / 60:.0f} |")
    for r in results:
        if r["survivors"]:
            lines += ["", f"Survivors, {r['name']}:", ""]
            lines += [f"- `{m.path}:{m.line}` {m.what} ({m.verdict})" for m in r["survivors"]]
        if r["timeouts"]:  # a busy machine can make a surviving mutant's run too slow: re-run these to be sure
            lines += ["", f"Killed by a timeout, {r['name']} (`--survivors-of` re-runs them):", ""]
            lines += [f"- `{m.path}:{m.line}` {m.what} (timeout)" for m in r["timeouts"]]
    return "\n".join(lines) + "\n"


def _check_import(copy: Path) -> None:
    """The copy's package must be the one the tests import (not the clone's editable install)."""
    check = subprocess.run([sys.executable, "-c", "import safety; print(safety.__file__)"], cwd=copy,
                           env={**_env(), "PYTHONPATH": str(copy)}, capture_output=True, text=True)
    if not check.stdout.strip().startswith(str(copy)):
        sys.exit(f"the copy's package is not the one imported: {check.stdout}{check.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--group", action="append", choices=sorted(GROUPS), help="default: every group")
    parser.add_argument("--max-per-group", type=int, default=None, help="a deterministic sample of this many")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--ref", help="measure a commit (e.g. HEAD~3) instead of the working tree")
    parser.add_argument("--list", action="store_true", help="list the mutants without running anything")
    parser.add_argument("--out", help="also write the markdown table and survivors to this file")
    parser.add_argument("--survivors-of", metavar="REPORT",
                        help="run only the survivors listed in an earlier --out report and count the rest killed "
                             "(valid when only tests changed since, with the same --max-per-group and --seed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mutation-") as scratch:
        copy = Path(scratch)
        copy_tree(copy, args.ref)
        _check_import(copy)
        only = earlier_survivors(args.survivors_of) if args.survivors_of else None
        results = [run_group(copy, name, args.max_per_group, args.seed, args.list, only)
                   for name in args.group or GROUPS]
    if args.list:
        return
    text = report(results, sys.argv[1:])
    print("\n" + text)
    if args.out:
        Path(args.out).write_text(text)


if __name__ == "__main__":
    main()
