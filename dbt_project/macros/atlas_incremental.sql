{#- The atlas's rankings and counts over the event bridges (int_atlas_*), kept between builds on
    DuckDB: an increment merges each group's previous top rows (or counts) with the rows of
    the loads since, instead of joining 20M bridge rows with 10M events again. Exact while no
    earlier bridge row is gone: a changed or removed file takes its rows away (they come back
    as a newer load), which the pre-hook sees in the counts and answers by starting over.
    On Spark these models are tables, built whole (incremental_config). -#}

{#- The bridge rows loaded since the model's last build (every row on a first build, and after
    the pre-hook started it over). -#}
{% macro since_atlas_build(column) -%}
    {%- if is_incremental() -%}
        where {{ column }} > (
            select coalesce(max(_built_through), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}

{#- The columns that say what a build counted: the newest load of the `counted` relations
    (which grow by loads), and how many rows they held together. -#}
{% macro atlas_build_marks(counted) -%}
    (select max(_loaded_at) from (
        {%- for relation in counted %}
        select max(_loaded_at) as _loaded_at from {{ relation }}
        {{- ' union all' if not loop.last }}
        {%- endfor %}
    ) as newest) as _built_through,
    cast(
        {%- for relation in counted %} (select count(*) from {{ relation }})
        {{- ' +' if not loop.last }}{%- endfor %}
        as {{ dbt.type_bigint() }}
    ) as _counted
{%- endmacro %}

{#- Pre-hook: forget every row when a row of `counted` that the last build counted is gone
    (fewer rows loaded up to that build than it counted: rows are never loaded into the past);
    the model is then built whole. -#}
{% macro forget_atlas_build_when_rows_gone(counted) -%}
    {{ return(adapter.dispatch('forget_atlas_build_when_rows_gone')(counted)) }}
{%- endmacro %}

{% macro default__forget_atlas_build_when_rows_gone(counted) -%}
    select 1
{%- endmacro %}

{% macro duckdb__forget_atlas_build_when_rows_gone(counted) -%}
    {%- if execute and is_incremental() -%}
        {%- set through = "(select max(_built_through) from " ~ this ~ ")" -%}
        {%- set still = [] -%}
        {%- for relation in counted -%}
            {%- do still.append("(select count(*) from " ~ relation ~ " where _loaded_at <= "
                ~ through ~ ")") -%}
        {%- endfor -%}
        {%- set counts = run_query(
            "select (select max(_counted) from " ~ this ~ "), " ~ still | join(" + ")
        ) -%}
        {%- set row = counts.rows[0] -%}
        {%- if row[0] is not none and row[0] != row[1] -%}
            delete from {{ this }}
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
