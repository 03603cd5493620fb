"""The `rechnungslauf` command.

Each sub-command is declared here and carried out by a function `run(args) -> int` in the
module that owns the work; the module is imported only when its command runs, so
`rechnungslauf parse` does not pay for FastAPI or Temporal.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# command path -> "module:function"
HANDLERS = {
    "serve": "web.stack:run",
    "worker": "worker:run",
    "parse": "parsers.commands:run",
    "validate": "validators.commands:run",
    "rules install": "validators.commands:run_install",
    "migrate": "storage.commands:run_migrate",
    "config load": "storage.commands:run_config_load",
    "audit verify": "storage.commands:run_audit_verify",
    "import": "workflows.intake:run_import",
    "export": "workflows.exporting:run",
    "demo": "web.demo:run",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rechnungslauf",
        description="re@di Rechnungslauf – digitaler Rechnungseingang und Freigabe",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="BEFEHL")

    p = sub.add_parser("serve", help="Temporal-Dev-Server, Worker und Web-App starten")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-demo", action="store_true", help="keine Demo-Rechnungen hochladen")
    p.set_defaults(handler="serve")

    p = sub.add_parser("worker", help="Temporal-Worker starten")
    p.add_argument("--task-queue", default=None)
    p.set_defaults(handler="worker")

    p = sub.add_parser("parse", help="Rechnungen lesen und das Modell ausgeben")
    p.add_argument("files", nargs="+", metavar="DATEI")
    p.add_argument("--json", action="store_true", help="Modell als JSON ausgeben")
    p.set_defaults(handler="parse")

    p = sub.add_parser("validate", help="Rechnungen prüfen wie der KoSIT-Validator")
    p.add_argument("files", nargs="+", metavar="DATEI")
    p.add_argument("--format", choices=["text", "json", "jsonl", "html"], default="text")
    p.add_argument("--jobs", type=int, default=None, help="parallele Prozesse (Standard: alle Kerne)")
    p.set_defaults(handler="validate")

    p = sub.add_parser("rules", help="Prüfregeln verwalten")
    rules = p.add_subparsers(dest="rules_command", required=True, metavar="AKTION")
    q = rules.add_parser("install", help="offizielle KoSIT-Konfiguration installieren")
    q.add_argument("path", metavar="PFAD")
    q.set_defaults(handler="rules install")

    p = sub.add_parser("migrate", help="Datenbankschema auf den neuesten Stand bringen")
    p.set_defaults(handler="migrate")

    p = sub.add_parser("config", help="Mandantenkonfiguration")
    config = p.add_subparsers(dest="config_command", required=True, metavar="AKTION")
    q = config.add_parser("load", help="TOML-Konfiguration laden (idempotent)")
    q.add_argument("file", metavar="DATEI")
    q.set_defaults(handler="config load")

    p = sub.add_parser("audit", help="Prüfpfad")
    audit = p.add_subparsers(dest="audit_command", required=True, metavar="AKTION")
    q = audit.add_parser("verify", help="alle Prüfpfad-Ketten nachrechnen")
    q.set_defaults(handler="audit verify")

    p = sub.add_parser("import", help="Rechnungen aus Dateien oder Ordnern einliefern")
    p.add_argument("paths", nargs="+", metavar="PFAD")
    p.add_argument("--supplier", default=None, help="Lieferanten-Kennung")
    p.set_defaults(handler="import")

    p = sub.add_parser("export", help="freigegebene Rechnungen ins Finanzverfahren exportieren")
    p.add_argument("--city", required=True, metavar="STADT")
    p.add_argument("--again", default=None, metavar="DATEI", help="verlorene Exportdatei neu erzeugen")
    p.set_defaults(handler="export")

    p = sub.add_parser("demo", help="Demo-Rechnungen für die neun Städte erzeugen und hochladen")
    p.add_argument("--count", type=int, default=45)
    p.add_argument("--url", default="http://127.0.0.1:8000")
    p.add_argument("--out", default=None, metavar="ORDNER", help="nur Dateien schreiben")
    p.set_defaults(handler="demo")
    return parser


def resolve(name: str):
    module_name, func_name = HANDLERS[name].split(":")
    return getattr(importlib.import_module(module_name), func_name)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors
        return int(exc.code or 0)
    try:
        return int(resolve(args.handler)(args) or 0)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
