"""Where an operator's installed KoSIT configuration lives, installing one, loading it once per process.

Layout under the rules directory (RECHNUNGSLAUF_RULES_DIR, default var/rules):
`sets/<digest>/` one directory per installed configuration, kept so old verdicts stay
reproducible; `current` a symlink to the active one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path, PurePosixPath

from validators.kosit_config import ConfigError, load
from validators.scenarios import ScenarioSet

RULES_DIR_ENV = "RECHNUNGSLAUF_RULES_DIR"
MAX_UNPACKED = 200 * 1024 * 1024
_lock = threading.Lock()
_loaded: dict[str, ScenarioSet] = {}


def rules_dir() -> Path:
    return Path(os.environ.get(RULES_DIR_ENV) or Path("var") / "rules")


def installed_scenario_set() -> ScenarioSet | None:
    current = rules_dir() / "current"
    if not (current / "scenarios.xml").is_file():
        return None
    key = str(current.resolve())
    with _lock:
        if key not in _loaded:
            _loaded[key] = load(Path(key))
        return _loaded[key]


def _unpack(archive: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            total = 0
            for info in zf.infolist():
                name = PurePosixPath(info.filename)
                if name.is_absolute() or ".." in name.parts:
                    raise ConfigError(f"Das Archiv enthält einen unzulässigen Pfad: {info.filename}")
                total += info.file_size
                if total > MAX_UNPACKED:
                    raise ConfigError("Das Archiv ist entpackt zu groß.")
            zf.extractall(target)
    except zipfile.BadZipFile as exc:
        raise ConfigError(f"„{archive}“ ist kein gültiges ZIP-Archiv.") from exc


def _config_root(directory: Path) -> Path:
    if (directory / "scenarios.xml").is_file():
        return directory
    candidates = [p.parent for p in directory.glob("*/scenarios.xml")]
    if len(candidates) == 1:
        return candidates[0]
    raise ConfigError("Keine scenarios.xml gefunden (erwartet im Wurzelverzeichnis der Konfiguration).")


def _check_resources(scenario_set: ScenarioSet) -> None:
    from validators import schematron, xsd

    for scenario in scenario_set.scenarios:
        for layer in scenario.layers:
            try:
                if layer.kind == "schematron":
                    schematron.precompile([layer.resource])
                elif layer.kind == "xsd":
                    xsd.compile_schema(layer.resource)
            except Exception as exc:
                raise ConfigError(f"Die Ressource „{layer.name}“ ist nicht verwendbar: {exc}") from exc


def install(path: Path) -> tuple[ScenarioSet, Path]:
    """Check a configuration directory or ZIP and make it the active scenario set."""
    if not path.exists():
        raise ConfigError(f"„{path}“ gibt es nicht.")
    base = rules_dir()
    (base / "sets").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="install-", dir=base / "sets"))
    try:
        if path.is_dir():
            shutil.copytree(path, staging, dirs_exist_ok=True)
        else:
            _unpack(path, staging)
        root = _config_root(staging)
        digest = hashlib.sha256((root / "scenarios.xml").read_bytes()).hexdigest()[:12]
        target = base / "sets" / digest
        if target.exists():
            shutil.rmtree(staging)
        else:
            root.rename(target)
            if staging.exists():
                shutil.rmtree(staging)
        scenario_set = load(target)
        _check_resources(scenario_set)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    link = base / "current"
    tmp_link = base / f".current-{os.getpid()}"
    tmp_link.unlink(missing_ok=True)
    tmp_link.symlink_to(Path("sets") / digest)
    os.replace(tmp_link, link)
    return scenario_set, target
