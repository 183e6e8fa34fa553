{#- Incremental facts read only the rows loaded since the last build of the model: every raw
    row carries the time of the load that wrote it, and a changed file's rows get a new one.
    `through`: the model's column holding the newest load it read, when not `column` itself
    (the atlas's kept rankings, macros/atlas_incremental.sql). -#}
{% macro loaded_since_last_build(column='_loaded_at', through=none) -%}
    {%- if is_incremental() -%}
        where {{ column }} > (
            select coalesce(max({{ through or column }}),
                cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental model: before new rows go in, drop the rows whose source rows are
    gone (a changed file replaced them, or a file was removed), so the marts match a full
    refresh. A row is kept when `upstream` holds a row with the same `match_columns`.

    The anti-join reads the whole table, so it runs only when the upstream lost rows. Every
    load is newer than the model's last build, so without a loss the upstream rows of the loads
    already built (`counted_in`, one row per row of this model) are exactly as many as this
    model's rows; fewer means some are gone. -#}
{% macro drop_rows_gone_upstream(upstream, match_columns, counted_in) -%}
    {{ return(adapter.dispatch('drop_rows_gone_upstream')(upstream, match_columns, counted_in)) }}
{%- endmacro %}

{% macro spark__drop_rows_gone_upstream(upstream, match_columns, counted_in) -%}
    {#- Parquet tables have no delete: an incremental mart there is partitioned by source file
        (see incremental_config), a changed file's partition is overwritten whole by the new
        load, and the partitions of files gone from the landing are dropped here. -#}
    {%- if execute and is_incremental() -%}
        {%- set gone = run_query(
            "select distinct _source_file from " ~ this ~ " except select distinct _source_file from "
            ~ counted_in) -%}
        {%- for row in gone.rows -%}
            {%- do run_query("alter table " ~ this ~ " drop if exists partition (_source_file = '"
                ~ row[0] | replace("'", "\\'") ~ "')") -%}
        {%- endfor -%}
    {%- endif -%}
    select 1
{%- endmacro %}

{% macro duckdb__drop_rows_gone_upstream(upstream, match_columns, counted_in) -%}
    {%- if execute and is_incremental() -%}
        {%- set counts = run_query(
            "select (select count(*) from " ~ this ~ "), (select count(*) from " ~ counted_in
            ~ " where _loaded_at <= (select max(_loaded_at) from " ~ this ~ "))"
        ) -%}
        {%- if counts.rows[0][0] != counts.rows[0][1] -%}
            delete from {{ this }} as built
            where not exists (
                select 1 from {{ upstream }} as kept
                where {% for column in match_columns -%}
                    kept.{{ column }} = built.{{ column }}{{ ' and ' if not loop.last }}
                {%- endfor %}
            )
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- Which loads of each incremental mart have passed every test. Row-local tests of those marts
    (unique, accepted values, dates in order; not-null is a constraint DuckDB checks on every
    insert) are the `*_since_verified` generic tests (tests/generic/since_verified.sql), and check only the rows loaded after that point: older rows passed them in an earlier build
    and are never updated in place (a changed file comes back as a newer load), and a delete+
    insert on the key leaves no duplicate across loads. Relationship tests of those marts
    (`relationships_since_verified`) read only those rows too while the parent keeps every key
    it held when the older rows were verified: `_meta.verified_parent_keys` holds a fingerprint
    of those keys per model, parent and field, taken when the watermark moves. -#}
{% macro verified_loads_table() -%}
    _meta.verified_loads
{%- endmacro %}

{% macro verified_parent_keys_table() -%}
    _meta.verified_parent_keys
{%- endmacro %}

{#- The graph node of the model behind `relation`. Read from the graph, not the database: an
    adapter call in a hook would open a transaction, which dbt then rolls back. -#}
{% macro model_node(relation) -%}
    {%- if not execute -%}{{- return(none) -}}{%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == relation.identifier
        and node.schema == relation.schema -%}
        {{- return(node) -}}
    {%- endfor -%}
    {{- return(none) -}}
{%- endmacro %}

{#- Whether a model grows by load batches (an incremental mart carries `_loaded_at`; the marts'
    contracts are enforced, so their columns are declared). -#}
{% macro grows_by_loads(relation) -%}
    {%- set node = model_node(relation) -%}
    {{- return(node is not none and '_loaded_at' in node.columns) -}}
{%- endmacro %}

{#- The checksum of a view's definition, none for a table: the mark of a view holds only for the
    definition that was tested. -#}
{% macro view_checksum(node) -%}
    {{- return(node.checksum.checksum if node is not none and node.config.materialized == 'view' else none) -}}
{%- endmacro %}

{#- One row: a fingerprint of the keys `parent` holds in `field`, and the newest load it counted
    (null for a parent rebuilt whole). For a parent that grows by loads, the count of its rows
    loaded up to `loaded_through` (a SQL expression): those rows are never inserted again later,
    only deleted (a changed file comes back as a newer load), so the same count means no key was
    lost, and counting skips hashing millions of keys. A full build of such a parent forgets the
    fingerprints taken of it (a new key formula would keep the count). For a parent rebuilt
    whole, the count and the sum of the keys' hashes. -#}
{% macro parent_key_fingerprint(parent, field, loaded_through) -%}
    {%- if grows_by_loads(parent) -%}
    select count(*) as key_count, cast(0 as hugeint) as key_hash,
        max(_loaded_at) as loaded_through
    from {{ parent }}
    where _loaded_at <= {{ loaded_through }}
    {%- else -%}
    select count(*) as key_count, coalesce(sum(hash({{ field }})::hugeint), 0) as key_hash,
        null as loaded_through
    from {{ parent }}
    {%- endif %}
{%- endmacro %}

{#- on-run-start: the table exists before any test reads it. -#}
{% macro create_verified_loads_table() -%}
    {{ return(adapter.dispatch('create_verified_loads_table')()) }}
{%- endmacro %}

{% macro default__create_verified_loads_table() -%}
    select 1
{%- endmacro %}

{% macro duckdb__create_verified_loads_table() -%}
    create schema if not exists _meta;
    create table if not exists {{ verified_loads_table() }} (
        model_name varchar primary key,
        verified_through timestamp not null,
        verified_at timestamp not null,
        invocation_id varchar not null
    );
    -- a view's rows are computed anew by each definition: its mark holds for one definition
    alter table {{ verified_loads_table() }} add column if not exists definition_checksum varchar;
    create table if not exists {{ verified_parent_keys_table() }} (
        model_name varchar not null,
        parent_name varchar not null,
        parent_field varchar not null,
        loaded_through timestamp,  -- null for a parent rebuilt whole
        key_count bigint not null,
        key_hash hugeint not null,
        primary key (model_name, parent_name, parent_field)
    )
{%- endmacro %}

{#- Pre-hook of an incremental model: a full build (first build or --full-refresh) rewrites
    every row, old loads included, so all of them are tested again, and so are the rows of the
    models whose relationship tests point to it. -#}
{% macro forget_verified_loads() -%}
    {{ return(adapter.dispatch('forget_verified_loads')()) }}
{%- endmacro %}

{% macro default__forget_verified_loads() -%}
    select 1
{%- endmacro %}

{% macro duckdb__forget_verified_loads() -%}
    {%- if is_incremental() -%}
        select 1
    {%- else -%}
        delete from {{ verified_loads_table() }} where model_name = '{{ this.identifier }}';
        delete from {{ verified_parent_keys_table() }} where model_name = '{{ this.identifier }}'
            or parent_name = '{{ this.identifier }}'
    {%- endif -%}
{%- endmacro %}

{#- Whether `relation` has a load mark (for a view: of its current definition), asked when the
    test compiles; false when the marks table does not exist yet (`dbt compile` on a new file). -#}
{% macro has_verified_loads(relation, checksum) -%}
    {%- if not execute -%}{{- return(false) -}}{%- endif -%}
    {%- set query -%}
        select count(*) from information_schema.tables
        where table_schema = '_meta' and table_name = 'verified_loads'
    {%- endset -%}
    {%- if run_query(query).rows[0][0] == 0 -%}{{- return(false) -}}{%- endif -%}
    {%- set query -%}
        select count(*) from {{ verified_loads_table() }}
        where model_name = '{{ relation.identifier }}'
        {%- if checksum %} and definition_checksum = '{{ checksum }}'{% endif %}
    {%- endset -%}
    {{- return(run_query(query).rows[0][0] > 0) -}}
{%- endmacro %}

{#- The rows of `relation` that no build has verified yet, as a relation to select from: what the
    `*_since_verified` generic tests (tests/generic/) read. With `keys_of`, every row whose
    `keys_of` value occurs among those rows: a staging view's keys of new loads checked against
    every row. DuckDB keeps load marks (above); other engines keep none, and their tests read
    every row (Spark reads them in parallel, and its Parquet tables have no upsert for marks). -#}
{% macro unverified_rows(relation, keys_of=none) -%}
    {{ return(adapter.dispatch('unverified_rows')(relation, keys_of)) }}
{%- endmacro %}

{% macro default__unverified_rows(relation, keys_of) -%}
    {{ return(relation) }}
{%- endmacro %}

{% macro duckdb__unverified_rows(relation, keys_of) -%}
    {%- set checksum = view_checksum(model_node(relation)) -%}
    {%- if keys_of and not has_verified_loads(relation, checksum) -%}
        {#- nothing verified yet: every row is new, a lookup in every row would only cost -#}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set unverified -%}
        _loaded_at > coalesce(
            (select verified_through from {{ verified_loads_table() }}
             where model_name = '{{ relation.identifier }}'
             {%- if checksum %} and definition_checksum = '{{ checksum }}'{% endif %}),
            cast('-infinity' as {{ dbt.type_timestamp() }})
        )
    {%- endset -%}
    {%- if keys_of -%}
        {%- set unverified -%}
            {{ keys_of }} in (select {{ keys_of }} from {{ relation }} where {{ unverified }})
        {%- endset -%}
    {%- endif -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ unverified }}) as unverified_rows
    {%- endset -%}
    {{- return(filtered) -}}
{%- endmacro %}

{#- Whether a test reads only the rows of loads not yet verified (a `*_since_verified` test). -#}
{% macro reads_unverified_loads(test) -%}
    {{- return(test.test_metadata is not none and test.test_metadata.name.endswith('_since_verified')) -}}
{%- endmacro %}

{#- on-run-end: an incremental model built in this run, or a staging view with a test that reads
    only unverified loads, is verified up to its newest load when every test that reads it ran
    here and passed; otherwise its watermark stays where it was, and the next build tests those
    rows again. -#}
{% macro record_verified_loads(results) -%}
    {{ return(adapter.dispatch('record_verified_loads')(results)) }}
{%- endmacro %}

{% macro default__record_verified_loads(results) -%}
    select 1
{%- endmacro %}

{% macro duckdb__record_verified_loads(results) -%}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
    {%- set status = {} -%}
    {%- for result in results -%}
        {%- do status.update({result.node.unique_id: result.status | string}) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.config.materialized in ('incremental', 'view')
        and status.get(node.unique_id) == 'success' -%}
        {%- set tests = [] -%}
        {%- set passed = [] -%}
        {%- set since_verified = [] -%}
        {%- for test in graph.nodes.values()
            if test.resource_type == 'test' and node.unique_id in test.depends_on.nodes -%}
            {%- do tests.append(test.unique_id) -%}
            {%- if status.get(test.unique_id) == 'pass' -%}{%- do passed.append(test.unique_id) -%}{%- endif -%}
            {%- if reads_unverified_loads(test) -%}{%- do since_verified.append(test.unique_id) -%}{%- endif -%}
        {%- endfor -%}
        {#- a view is marked only when a test of it reads unverified loads alone; an
            incremental model that does not grow by loads (the atlas's kept rankings) never -#}
        {%- set marked = (node.config.materialized == 'incremental' and '_loaded_at' in node.columns)
            or since_verified -%}
        {%- set checksum = view_checksum(node) -%}
        {%- if marked and tests and passed | length == tests | length -%}
            {%- do statements.append(
                "insert or replace into " ~ verified_loads_table() ~ " (model_name, "
                ~ "verified_through, verified_at, invocation_id, definition_checksum) select '"
                ~ node.alias ~ "', max(_loaded_at), now(), '" ~ invocation_id ~ "', "
                ~ ("'" ~ checksum ~ "'" if checksum else "null") ~ " from " ~ node.relation_name
                ~ " having max(_loaded_at) is not null"
            ) -%}
            {%- for test in graph.nodes.values()
                if test.resource_type == 'test' and test.attached_node == node.unique_id
                and test.test_metadata and test.test_metadata.name == 'relationships_since_verified' -%}
                {%- set parent = graph.nodes[test.depends_on.nodes | reject('equalto', node.unique_id) | first] -%}
                {%- set parent_relation = api.Relation.create(
                    database=parent.database, schema=parent.schema, identifier=parent.alias) -%}
                {%- set field = test.test_metadata.kwargs.field -%}
                {%- set every_load = '(select max(_loaded_at) from ' ~ parent_relation ~ ')' -%}
                {%- do statements.append(
                    "insert or replace into " ~ verified_parent_keys_table() ~ " select '"
                    ~ node.alias ~ "', '" ~ parent.alias ~ "', '" ~ field ~ "', "
                    ~ "loaded_through, key_count, key_hash from ("
                    ~ parent_key_fingerprint(parent_relation, field, every_load) ~ ")"
                ) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements | join(';\n') if statements else 'select 1') }}
{%- endmacro %}

{#- The configuration of an incremental fact on each engine. DuckDB replaces a changed key's rows
    (delete+insert on `unique_key`). Spark's Parquet tables have no delete or merge: the table is
    partitioned by source file, each build overwrites the partitions of the files loaded since
    the last one (a changed file comes back whole, as a newer load), and drops those of files
    gone (`drop_rows_gone_upstream`). A fact without a source file column is rebuilt whole there. -#}
{% macro incremental_config(unique_key, partition_column='_source_file') -%}
    {%- if target.type != 'spark' -%}
        {{- return({'materialized': 'incremental', 'incremental_strategy': 'delete+insert',
                    'unique_key': unique_key}) -}}
    {%- elif partition_column -%}
        {{- return({'materialized': 'incremental', 'incremental_strategy': 'insert_overwrite',
                    'partition_by': [partition_column], 'file_format': 'parquet'}) -}}
    {%- else -%}
        {{- return({'materialized': 'table', 'file_format': 'parquet'}) -}}
    {%- endif -%}
{%- endmacro %}
