"""Backups: one archive with a consistent snapshot of the database and the uploaded files.

The database is copied with its own snapshot tool (SQLite's online backup API, `pg_dump` for
PostgreSQL), so saves go on during a backup and the archive holds every save acknowledged
before it started. The files folder is copied after the database: files are only added, so
every file the snapshot refers to is there. The search index is not saved: it is derived, and
`restore` rebuilds it.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

FORMAT = 1
SQLITE_NAME = "database.sqlite"
POSTGRES_NAME = "database.pgdump"  # pg_dump's custom format, restored by pg_restore
MANIFEST = "manifest.json"
FILES = "files"


class BackupError(Exception):
    """Something the person running the command can act on."""


@dataclass(frozen=True)
class Manifest:
    database: str  # sqlite | postgresql
    created_at: str
    revision: str | None  # Alembic revision of the schema
    files: int
    format: int = FORMAT


def files_dir(data_dir: Path) -> Path:
    return Path(data_dir) / FILES


# -- backup ---------------------------------------------------------------------------------------


def backup(engine: Engine, data_dir: Path, destination: Path) -> Manifest:
    """Write the archive to `destination` (a .tar.gz), atomically: complete or absent."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="essaim-backup-") as work:
        work_dir = Path(work)
        kind = engine.dialect.name
        if kind == "sqlite":
            name = SQLITE_NAME
            _sqlite_snapshot(engine, work_dir / name)
        elif kind == "postgresql":
            name = POSTGRES_NAME
            _pg_dump(engine, work_dir / name)
        else:
            raise BackupError(f"Backups of {kind} databases are not supported.")
        files = _file_list(files_dir(data_dir))
        manifest = Manifest(
            database=kind,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
            revision=_schema_revision(engine),
            files=len(files),
        )
        (work_dir / MANIFEST).write_text(json.dumps(manifest.__dict__, indent=2))
        partial = destination.with_name(destination.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work_dir / MANIFEST, MANIFEST)
            archive.add(work_dir / name, name)
            for path in files:
                archive.add(path, f"{FILES}/{path.relative_to(files_dir(data_dir))}")
        os.replace(partial, destination)
    return manifest


def _sqlite_snapshot(engine: Engine, target: Path) -> None:
    source_path = engine.url.database
    if not source_path or not Path(source_path).exists():
        raise BackupError(f"No SQLite database at {source_path}.")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: one step under one read transaction, a consistent snapshot while writers
        # go on (WAL); step by step, each write would restart the copy.
        source.backup(copy, pages=-1)
    finally:
        copy.close()
        source.close()


def libpq_url(engine: Engine) -> tuple[str, dict[str, str]]:
    """A URL for pg_dump/pg_restore, the password passed in the environment (not in `ps`)."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
        url = url.set(password=None)
    return url.render_as_string(hide_password=False), env


def _pg_dump(engine: Engine, target: Path) -> None:
    url, env = libpq_url(engine)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), url],
        env=env,
    )


def _run(argv: list[str], env: dict[str, str]) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is needed (Debian: apt-get install postgresql-client).")
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} failed: {result.stderr.strip()[-2000:]}")


def _file_list(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def _schema_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


# -- restore --------------------------------------------------------------------------------------


def read_manifest(source: Path) -> Manifest:
    try:
        with tarfile.open(source, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            data = json.loads(member.read()) if member else None
    except (tarfile.TarError, KeyError, OSError, ValueError) as error:
        raise BackupError(f"{source} is not an Essaim backup ({error}).") from error
    if not data:
        raise BackupError(f"{source} is not an Essaim backup (no manifest).")
    return Manifest(**{k: data.get(k) for k in Manifest.__dataclass_fields__})


def restore(engine: Engine, data_dir: Path, source: Path) -> Manifest:
    """Restore the archive into an empty database and data dir (never over existing data)."""
    manifest = read_manifest(source)
    kind = engine.dialect.name
    if manifest.database != kind:
        raise BackupError(
            f"This backup holds a {manifest.database} database; the configured one is {kind}."
        )
    _check_empty(engine, data_dir)
    with tempfile.TemporaryDirectory(prefix="essaim-restore-") as work:
        work_dir = Path(work)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work_dir, filter="data")  # no absolute paths, no ../, no devices
        if kind == "sqlite":
            target = Path(engine.url.database)
            target.parent.mkdir(parents=True, exist_ok=True)
            engine.dispose()
            for stale in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
                stale.unlink(missing_ok=True)  # an old WAL would be replayed into the copy
            shutil.copyfile(work_dir / SQLITE_NAME, target)
        else:
            url, env = libpq_url(engine)
            _run(
                # --clean: a database already migrated (`essaim db upgrade`) but empty is fine
                ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges"]
                + ["--exit-on-error", "-d", url]
                + [str(work_dir / POSTGRES_NAME)],
                env=env,
            )
        if (work_dir / FILES).is_dir():
            shutil.copytree(work_dir / FILES, files_dir(data_dir), dirs_exist_ok=True)
    return manifest


def _check_empty(engine: Engine, data_dir: Path) -> None:
    """Empty: no page and no account (a migrated, unused database is empty)."""
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names()) - {"alembic_version"}
        known = {"pages", "users"}
        rows = sum(
            connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 (fixed names)
            for table in known & tables
        )
    if rows or (tables and not known <= tables):
        raise BackupError(
            "The database already holds a wiki: restore only into an empty one "
            "(a new database, or a new data dir for SQLite)."
        )
    if _file_list(files_dir(data_dir)):
        raise BackupError(f"{files_dir(data_dir)} already holds files: restore into an empty one.")
