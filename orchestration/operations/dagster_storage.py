"""Dagster's SQLite storage, with the event log's database connections kept open between events.

Dagster's own SQLite event log opens a new engine and connection for every event it stores and
closes it after (closing the last connection of a WAL database checkpoints it to disk). A build
stores hundreds of events (a planned and an evaluated event per dbt test, which are asset
checks), so that alone was a fifth of a sample build. This storage keeps one engine per database
file (the cross-run index and the latest runs') and lets SQLite sync at checkpoints rather than
at every commit (``synchronous=NORMAL``, safe in WAL mode: a power cut may lose the last events,
never corrupt the file). Files, tables and layout are Dagster's own: the UI, the daemon and a
plain ``storage: sqlite`` configuration read the same history.

Selected in ``.dagster_home/dagster.yaml`` as a custom storage whose ``base_dir`` is DAGSTER_HOME,
as for Dagster's default SQLite storage. It overrides private methods of Dagster's SQLite event
log (``_connect``, ``_initdb``): tests/test_dagster_storage.py proves on the pinned Dagster that
the override is in effect, tests/test_ui.py that the webserver and the daemon run with it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as db
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)
from dagster._core.storage.runs.sqlite.sqlite_run_storage import SqliteRunStorage
from dagster._core.storage.schedules.sqlite.sqlite_schedule_storage import SqliteScheduleStorage
from dagster._core.storage.sqlite_storage import (
    DagsterSqliteStorage,
    _event_logs_directory,
    _runs_directory,
    _schedule_directory,
)
from dagster._serdes import ConfigurableClassData

# Engines kept: the index shard and the runs read or written last. A webserver browsing old
# runs touches many run files; the oldest engine is closed rather than holding every file open.
KEPT_ENGINES = 8


class KeptOpenSqliteEventLogStorage(SqliteEventLogStorage):
    """SqliteEventLogStorage whose connections outlive one event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self._engines: OrderedDict[str, db.Engine] = OrderedDict()
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> db.Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = db.create_engine(
            self.conn_string_for_shard(shard),
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        db.event.listen(engine, "connect", _sync_at_checkpoints)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > KEPT_ENGINES:
            _, oldest = self._engines.popitem(last=False)
            oldest.dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[db.Connection]:
        # the same lock as Dagster's: one thread at a time (the webserver watches runs in threads)
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_engines()  # the run files are deleted: no connection may keep them open
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()


def _sync_at_checkpoints(dbapi_connection, _record) -> None:  # noqa: ANN001
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class KeptOpenSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage (its folders under ``base_dir``), this event log in it."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None):
        self.base_dir = base_dir
        self._run_storage = SqliteRunStorage.from_local(_runs_directory(base_dir))
        self._event_log_storage = KeptOpenSqliteEventLogStorage(_event_logs_directory(base_dir))
        self._schedule_storage = SqliteScheduleStorage.from_local(_schedule_directory(base_dir))
        self._inst_data = inst_data
        super(DagsterSqliteStorage, self).__init__()

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> KeptOpenSqliteStorage:  # noqa: ANN001
        return cls.from_local(inst_data=inst_data, **config_value)
