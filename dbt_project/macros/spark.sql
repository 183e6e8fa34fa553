{#- What only Spark needs: raw tables handed off as Parquet, and constraints Parquet lacks. -#}

{#- on-run-start: every source is a table over its Parquet hand-off folder
    (`<COOP_SPARK_HANDOFF_DIR>/<schema>/<table>/`, written by the loader's hand-off step),
    re-read at each run. On DuckDB the sources are the loader's own tables. -#}
{% macro register_handed_off_sources() %}
    {{ return(adapter.dispatch('register_handed_off_sources')()) }}
{% endmacro %}

{% macro default__register_handed_off_sources() %}
    select 1
{% endmacro %}

{% macro spark__register_handed_off_sources() %}
    {%- if execute -%}
        {%- set root = env_var('COOP_SPARK_HANDOFF_DIR', 'warehouse/build/spark/handoff') -%}
        {%- for source in graph.sources.values() -%}
            {%- set table = source.schema ~ '.' ~ source.identifier -%}
            {%- do run_query('create database if not exists ' ~ source.schema) -%}
            {#- a table over a folder caches its file list and schema: drop and declare again -#}
            {%- do run_query('drop table if exists ' ~ table) -%}
            {%- do run_query('create table ' ~ table ~ " using parquet location '"
                ~ root ~ '/' ~ source.schema ~ '/' ~ source.identifier ~ "'") -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}

{#- Parquet tables hold no constraints (dbt-spark applies them to Delta only): a mart's
    `not_null` constraints are checked by a query right after the mart is written, and a NULL
    fails the model, as DuckDB's constraint fails the insert. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set checked = [] -%}
    {%- for column in model.columns.values() -%}
        {%- for constraint in column.constraints if constraint.type == 'not_null' -%}
            {%- do checked.append(column.name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if checked -%}
        {%- set counts -%}
            select {% for name in checked %}count_if({{ name }} is null){{ ', ' if not loop.last }}{% endfor %}
            from {{ relation }}
        {%- endset -%}
        {%- set row = run_query(counts).rows[0] -%}
        {%- for name in checked -%}
            {%- if row[loop.index0] > 0 -%}
                {%- do exceptions.raise_compiler_error(
                    'not_null constraint violated: ' ~ row[loop.index0] ~ ' NULL value(s) in '
                    ~ relation ~ '.' ~ name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{#- on-run-end: every mart table written as Parquet to `<COOP_SPARK_EXPORT_DIR>/<mart>/`, its
    columns in the contract's order, for the publish step to move into place once every
    blocking check has passed (orchestration/lib/spark.py). DuckDB's publication reads its
    build file instead. -#}
{% macro export_marts(results) %}
    {{ return(adapter.dispatch('export_marts')(results)) }}
{% endmacro %}

{% macro default__export_marts(results) %}
    select 1
{% endmacro %}

{#- Nothing is exported after a failed node: the publish step will not run either. -#}
{% macro spark__export_marts(results) %}
    {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error']) | list -%}
    {%- if execute and not failed -%}
        {%- set root = env_var('COOP_SPARK_EXPORT_DIR', 'warehouse/build/spark/export') -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.fqn[1] in ('marts', 'atlas')
            and node.config.materialized in ('table', 'incremental') and node.config.enabled -%}
            {%- do run_query("insert overwrite directory '" ~ root ~ '/' ~ node.alias
                ~ "' using parquet select " ~ (node.columns.keys() | join(', '))
                ~ ' from ' ~ node.relation_name) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{% endmacro %}
