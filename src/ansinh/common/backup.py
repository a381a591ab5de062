"""Backups of the whole database and their restore, for SQLite and PostgreSQL.

* SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database in one
  step under a read snapshot, so the copy is consistent while the application keeps writing
  (WAL: writers are not blocked). The copy is checked with `PRAGMA integrity_check`.
  A restore copies the file back the same way, into the live database, in one write
  transaction: other connections see the old data or the new, never a mix.
* PostgreSQL: `pg_dump -Fc` (one snapshot, consistent while the application runs) and
  `pg_restore --clean --if-exists --single-transaction` (all of it or nothing), both found
  on PATH.

Before a restore the current database is saved beside the backups (`before-restore-...`),
so a restore of the wrong file can be undone.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils.translation import gettext as _


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says what to do."""


class ProgramMissing(BackupError):
    """pg_dump or pg_restore is not on PATH."""


def backup_folder() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def default_name(vendor: str, prefix: str = "ansinh") -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    suffix = "sqlite3" if vendor == "sqlite" else "dump"
    return backup_folder() / f"{prefix}-{stamp}.{suffix}"


def _settings(alias: str = "default") -> dict:
    return connections[alias].settings_dict


def vendor(alias: str = "default") -> str:
    return connections[alias].vendor


def backup(output: Path | None = None, alias: str = "default") -> Path:
    """Write a consistent copy of the database to `output` (default: var/backups/...)."""
    kind = vendor(alias)
    output = Path(output) if output else default_name(kind)
    output.parent.mkdir(parents=True, exist_ok=True)
    if kind == "sqlite":
        _sqlite_copy(Path(_settings(alias)["NAME"]), output)
        _sqlite_check(output)
    elif kind == "postgresql":
        _pg("pg_dump", ["-Fc", "--no-owner", "-f", str(output)], alias)
    else:
        raise BackupError(_("Backups are made of SQLite and PostgreSQL databases only."))
    return output


def restore(source: Path, alias: str = "default", keep_current: bool = True) -> Path | None:
    """Replace the whole database with the backup `source`; returns the copy of what it
    replaced (None with keep_current=False)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("No backup file %(file)s.") % {"file": source})
    kind = vendor(alias)
    if kind == "sqlite":
        _sqlite_check(source)
    elif kind == "postgresql":
        try:
            _pg("pg_restore", ["--list", str(source)], alias, database=False)
        except ProgramMissing:
            raise
        except BackupError as exc:
            raise BackupError(
                _("%(file)s is not a PostgreSQL backup made by pg_dump -Fc (%(why)s).")
                % {"file": source, "why": exc}
            )
    else:
        raise BackupError(_("Backups are made of SQLite and PostgreSQL databases only."))
    saved = backup(default_name(kind, "before-restore"), alias) if keep_current else None
    connections[alias].close()
    if kind == "sqlite":
        _sqlite_copy(source, Path(_settings(alias)["NAME"]))
    else:
        _pg(
            "pg_restore",
            ["--clean", "--if-exists", "--no-owner", "--single-transaction", str(source)],
            alias,
        )
    return saved


# -- SQLite ----------------------------------------------------------------------------------


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=60)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst)  # all pages in one step: one consistent snapshot
    except sqlite3.Error as exc:
        raise BackupError(_("The copy failed: %(e)s") % {"e": exc})
    finally:
        dst.close()
        src.close()


def _sqlite_check(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
            migrated = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        ok, migrated = "not a database", None
    if ok != "ok" or not migrated:
        raise BackupError(
            _("%(file)s is not an AnSinh SQLite backup (%(why)s).")
            % {"file": path, "why": ok if ok != "ok" else _("no AnSinh tables")}
        )


# -- PostgreSQL ------------------------------------------------------------------------------


def _pg(program: str, args: list[str], alias: str, database=True) -> None:
    exe = shutil.which(program)
    if exe is None:
        raise ProgramMissing(
            _(
                "%(program)s was not found on PATH: install the PostgreSQL client programs "
                "of the server's version (Debian: apt install postgresql-client)."
            )
            % {"program": program}
        )
    conf = _settings(alias)
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    conn = []
    if conf.get("HOST"):
        conn += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        conn += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        conn += ["-U", str(conf["USER"])]
    if database:
        conn += ["-d", conf["NAME"]]
    done = subprocess.run([exe, *conn, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": program, "error": done.stderr.strip()[-2000:]}
        )
