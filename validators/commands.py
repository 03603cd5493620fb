"""`rechnungslauf validate FILE…` and `rechnungslauf rules install PATH`."""

from __future__ import annotations

import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from validators.report import SEVERITY_GERMAN

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2


def _validate_file(job: tuple[str, str]) -> tuple[bool, str]:
    """Validate one file and render it; runs in a worker process for batches."""
    from validators import validate

    path, fmt = job
    report = validate(Path(path).read_bytes())
    if fmt == "jsonl":
        return report.accepted, json.dumps(report.jsonl_record(path), ensure_ascii=False)
    if fmt == "json":
        return report.accepted, json.dumps({"file": path, "report": report.model_dump(mode="json")}, ensure_ascii=False)
    if fmt == "html":
        return report.accepted, report.to_html()
    return report.accepted, _text(path, report)


def _text(path: str, report) -> str:
    verdict = "gültig" if report.accepted else "ABGELEHNT"
    scenario = report.scenario.name if report.scenario else "kein Prüfszenario"
    lines = [f"{path}: {verdict} ({scenario}; {len(report.errors)} Fehler, {len(report.warnings)} Warnungen)"]
    if report.reason:
        lines.append(f"  {report.reason}")
    if report.hint:
        lines.append(f"  Hinweis: {report.hint}")
    for finding in report.findings:
        if finding.severity == "information":
            continue
        lines.append(f"  [{SEVERITY_GERMAN[finding.severity]}] {finding.rule_id}: {finding.text}")
        if finding.hint:
            lines.append(f"      Hinweis: {finding.hint}")
    return "\n".join(lines)


def run(args) -> int:
    files: list[str] = list(args.files)
    missing = [f for f in files if not Path(f).is_file()]
    unreadable = [f for f in files if f not in missing and not os.access(f, os.R_OK)]
    for name in missing:
        print(f"Fehler: Datei „{name}“ nicht gefunden.", file=sys.stderr)
    for name in unreadable:
        print(f"Fehler: Datei „{name}“ ist nicht lesbar.", file=sys.stderr)
    if missing or unreadable:
        return EXIT_USAGE
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        print("Fehler: --jobs muss mindestens 1 sein.", file=sys.stderr)
        return EXIT_USAGE
    work = [(f, args.format) for f in files]
    if jobs == 1 or len(files) == 1:
        results = map(_validate_file, work)
        return _emit(results, args.format, len(files))
    with ProcessPoolExecutor(max_workers=min(jobs, len(files))) as pool:
        return _emit(pool.map(_validate_file, work, chunksize=4), args.format, len(files))


def _emit(results, fmt: str, count: int) -> int:
    try:
        return _print_all(results, fmt, count)
    except BrokenPipeError:  # the reader went away (e.g. `| head`); no traceback for that
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_REJECTED


def _print_all(results, fmt: str, count: int) -> int:
    all_accepted = True
    rendered = []
    for accepted, text in results:
        all_accepted &= accepted
        if fmt == "json":
            rendered.append(text)
        else:
            print(text, flush=False)
    if fmt == "json":
        print(rendered[0] if count == 1 else "[" + ",\n".join(rendered) + "]")
    sys.stdout.flush()
    return EXIT_ACCEPTED if all_accepted else EXIT_REJECTED


def run_install(args) -> int:
    from validators.kosit_config import ConfigError
    from validators.rules_store import install

    try:
        scenario_set, target = install(Path(args.path))
    except ConfigError as exc:
        print(f"Fehler: {exc.message}", file=sys.stderr)
        return EXIT_USAGE
    print(f"Installiert: {scenario_set.name}, Stand {scenario_set.version}, {len(scenario_set.scenarios)} Szenarien → {target}")
    return EXIT_ACCEPTED
