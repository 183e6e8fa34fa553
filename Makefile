# Every install step lives here: a clean clone with Python 3.11 and pip needs nothing else.
PYTHON ?= python3
UV_VERSION := 0.9.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: build test lint manifest ui clean java spark-deps spark-cluster spark-cluster-stop

# The Spark engine's packages (dependency group `spark`, ~480 MB): `make test` installs them,
# `make build` only when COOP_ENGINE=spark.
SPARK_DEPS := $(if $(filter spark,$(COOP_ENGINE)),spark-deps,)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# --compile-bytecode: where PYTHONDONTWRITEBYTECODE is set (it is here), nothing caches the
# bytecode, and every process would compile dagster and dbt again (~half of each start-up)
$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --compile-bytecode --inexact
	touch $@

# the atlas's country shapes (Natural Earth TopoJSON), from the npm registry with Node's npm
SHAPES := atlas/node_modules/world-atlas/countries-110m.json
$(SHAPES): atlas/package.json atlas/package-lock.json
	npm ci --prefix atlas --no-audit --no-fund --silent
	touch $@


java:
	@command -v java >/dev/null 2>&1 || { echo "error: the Spark engine needs Java 17:" \
		"install the Debian package openjdk-17-jre-headless (apt-get install -y" \
		"openjdk-17-jre-headless)" >&2; exit 1; }

$(VENV)/.synced-spark: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --quiet --compile-bytecode --inexact --group spark
	touch $@

spark-deps: java $(VENV)/.synced $(VENV)/.synced-spark

manifest: $(VENV)/.synced $(SHAPES)
	$(BIN)/python -m orchestration.publication.measuring_font  # the chart workers' cut font
	$(BIN)/coop parse

## build: set up, then load raw/, build and test the marts, publish warehouse/cooperation.duckdb
# build COOP_FETCH=1: poll the newsrooms first (needs the network; a failing source does not stop the build)
build: $(SPARK_DEPS) manifest  # Spark first: parsing for its target needs dbt-spark
	@if [ "$(COOP_FETCH)" = "1" ]; then $(BIN)/coop fetch || echo "coop fetch: a source failed (above); building with what landed"; fi
	$(BIN)/coop build

## test: set up, then lint and run the whole test suite
test: spark-deps manifest lint
	$(BIN)/pytest -q -n 2 --dist loadfile  # two workers, a test file each (docs/operators.md)

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## spark-cluster: a Spark master, worker and Thrift server on loopback (logs: warehouse/build/spark/spark/cluster/)
spark-cluster: spark-deps
	$(BIN)/python -m orchestration.engines.spark_cluster start

spark-cluster-stop: $(VENV)/.synced
	$(BIN)/python -m orchestration.engines.spark_cluster stop

UI_PORT ?= 3000
## ui: the Dagster UI on http://127.0.0.1:$(UI_PORT) (loopback only) and the daemon that runs its
## launches, the schedule and the sensor (code location `cooperation` of workspace.yaml);
## Ctrl-C or SIGTERM stops both. `env --default-signal`: a shell script's background job starts
## with SIGINT ignored, and dagster dev would then ignore Ctrl-C and SIGTERM alike.
## PYTHONWARNINGS: `dagster dev` warns at every start that `dg dev` supersedes it; dg is not
## installed here, so that one warning is silenced, by its message (no other warning).
ui: manifest
	exec env --default-signal=INT,TERM PYTHONWARNINGS='ignore:Function `dev_command` is superseded' \
		$(BIN)/dagster dev -h 127.0.0.1 -p $(UI_PORT) -w workspace.yaml

clean:
	rm -rf $(VENV) $(TOOLS) warehouse/build warehouse/cooperation.duckdb warehouse/parquet \
		dbt_project/target atlas/node_modules dbt_project/target_spark warehouse/engines
