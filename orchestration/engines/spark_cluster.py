"""A standalone Spark cluster on loopback, from pyspark's own jars: a master, one worker and a
Thrift server (`make spark-cluster`, `make spark-cluster-stop`). dbt-spark then builds through
`method: thrift` (COOP_SPARK_METHOD=thrift), the client/server protocol of a production Thrift
server on EMR or Dataproc. Each process logs to `<build>/spark/cluster/<name>.log`; its pid is
kept beside it, so that stopping ends exactly the processes started here.

Usage: python -m orchestration.engines.spark_cluster start|stop
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from orchestration.engines.spark_handoff import require_java
from orchestration.settings import Settings, load_settings

HOST = "127.0.0.1"
MASTER_PORT = 7077
START_TIMEOUT_S = 300  # ~40 s on an idle 2-core machine; far more under load


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def cluster_dir(settings: Settings) -> Path:
    return settings.spark_dir / "cluster"


def thrift_port() -> int:
    return int(os.environ.get("COOP_SPARK_PORT", "10000"))


def _commands(settings: Settings) -> dict[str, list[str]]:
    home, folder = spark_home(), cluster_dir(settings)
    master = f"spark://{HOST}:{MASTER_PORT}"
    server_conf = {
        # its own metastore and tables: Derby admits one JVM, and session builds keep theirs
        "spark.sql.warehouse.dir": str(folder / "tables"),
        "spark.hadoop.javax.jdo.option.ConnectionURL": (
            f"jdbc:derby:;databaseName={folder / 'metastore_db'};create=true"
        ),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
        "spark.driver.host": HOST,
        "spark.driver.bindAddress": HOST,
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.executor.memory": "1g",
        "spark.cores.max": "2",
    }
    thrift = [str(home / "bin" / "spark-submit"), "--master", master]
    for key, value in server_conf.items():
        thrift += ["--conf", f"{key}={value}"]
    thrift += [
        "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
        "--hiveconf", f"hive.server2.thrift.bind.host={HOST}",
        "--hiveconf", f"hive.server2.thrift.port={thrift_port()}",
        "spark-internal",
    ]  # fmt: skip
    spark_class = str(home / "bin" / "spark-class")
    return {
        "master": [spark_class, "org.apache.spark.deploy.master.Master", "--host", HOST,
                   "--port", str(MASTER_PORT), "--webui-port", "0"],
        "worker": [spark_class, "org.apache.spark.deploy.worker.Worker", "--host", HOST,
                   "--webui-port", "0", "--cores", "2", "--memory", "2g", master],
        "thrift": thrift,
    }  # fmt: skip


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((HOST, port)) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def start(settings: Settings) -> None:
    require_java()
    folder = cluster_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": HOST,
           "SPARK_LOG_DIR": str(folder), "SPARK_WORKER_DIR": str(folder / "work")}  # fmt: skip
    for name, command in _commands(settings).items():
        pid_file = folder / f"{name}.pid"
        if pid_file.exists() and _alive(int(pid_file.read_text())):
            print(f"{name} already running (pid {pid_file.read_text()})")
            continue
        with (folder / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=folder,
                start_new_session=True,  # its own process group: stop ends its children too
            )  # fmt: skip
        pid_file.write_text(str(process.pid))
        print(f"{name} started (pid {process.pid}, log {folder / f'{name}.log'})")
        if name == "master":
            _wait_for(MASTER_PORT, process, "master")
    _wait_for(thrift_port(), None, "thrift", pid_file=folder / "thrift.pid")
    print(f"Thrift server listening on {HOST}:{thrift_port()}")


def _wait_for(port: int, process, name: str, pid_file: Path | None = None) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _listening(port):
        pid = process.pid if process else int(pid_file.read_text())
        if not _alive(pid) or time.monotonic() > deadline:
            raise SystemExit(f"{name} did not start listening on port {port}: see its log")
        time.sleep(1)


def stop(settings: Settings) -> None:
    folder = cluster_dir(settings)
    for name in ("thrift", "worker", "master"):
        pid_file = folder / f"{name}.pid"
        if not pid_file.exists():
            continue
        pid = int(pid_file.read_text())
        if _alive(pid):
            os.killpg(pid, signal.SIGTERM)
            for _ in range(30):
                if not _alive(pid):
                    break
                time.sleep(1)
            else:
                os.killpg(pid, signal.SIGKILL)
        pid_file.unlink()
        print(f"{name} stopped (pid {pid})")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action not in ("start", "stop"):
        raise SystemExit("usage: python -m orchestration.engines.spark_cluster start|stop")
    (start if action == "start" else stop)(load_settings({**os.environ, "COOP_ENGINE": "spark"}))
