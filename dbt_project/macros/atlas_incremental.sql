{#- The atlas's rankings and counts over the event bridges (int_atlas_*), kept between builds on
    DuckDB: an increment merges each group's previous top rows (or counts) with the rows of
    the loads since, instead of joining 20M bridge rows with 10M events again. Exact while no
    earlier bridge row is gone: a changed or removed file takes its rows away (they come back
    as a newer load), which the pre-hook sees in the counts and answers by starting over.
    On Spark these models are tables, built whole (incremental_config). -#}

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

{#- The CTEs of a kept ranking after `new_rows` (a CTE of the rows loaded since the last build,
    one per group and item, with `group_by` and `columns`, which hold the `order_by` ones):
    each touched group's previous top `n` merged with its new rows, its `total` grown by their
    count, and the `final` CTE with the marks of what was `counted`. -#}
{% macro kept_latest(new_rows, group_by, columns, order_by, n, counted) -%}
candidates as (

    {% if is_incremental() %}
    select {{ group_by }}, {{ columns | join(', ') }}
    from {{ this }}
    where {{ group_by }} in (select {{ group_by }} from {{ new_rows }})
    union all
    {% endif %}
    select {{ group_by }}, {{ columns | join(', ') }}
    from {{ new_rows }}

),

latest as (

    {{ latest_per_group('candidates', group_by, columns, order_by, n) }}

),

counted as (

    select {{ group_by }}, count(*) as total
    from {{ new_rows }}
    group by {{ group_by }}
    {% if is_incremental() %}
    union all
    select {{ group_by }}, max(total) as total
    from {{ this }}
    where {{ group_by }} in (select {{ group_by }} from {{ new_rows }})
    group by {{ group_by }}
    {% endif %}

),

totals as (

    select {{ group_by }}, sum(total) as total
    from counted
    group by {{ group_by }}

),

final as (

    select
        latest.{{ group_by }},
        {%- for column in columns %}
        latest.{{ column }},
        {%- endfor %}
        cast(totals.total as {{ dbt.type_bigint() }}) as total,
        {{ atlas_build_marks(counted) }}
    from latest
    inner join totals
        on latest.{{ group_by }} = totals.{{ group_by }}

)
{%- endmacro %}

{#- The CTEs of kept counts after `new_counts` (a CTE of the counts of the rows loaded since the
    last build, by `keys`, in the column `measure`): each touched key's previous count added,
    and the `final` CTE with the marks of what was `counted`. -#}
{% macro kept_sums(new_counts, keys, measure, counted) -%}
counts as (

    select {{ keys | join(', ') }}, {{ measure }}
    from {{ new_counts }}
    {% if is_incremental() %}
    union all
    select {% for key in keys %}built.{{ key }}, {% endfor %}built.{{ measure }}
    from {{ this }} as built
    inner join {{ new_counts }}
        on {% for key in keys -%}
        built.{{ key }} = {{ new_counts }}.{{ key }}{{ ' and ' if not loop.last }}
        {%- endfor %}
    {% endif %}

),

final as (

    select
        {{ keys | join(', ') }},
        cast(sum({{ measure }}) as {{ dbt.type_bigint() }}) as {{ measure }},
        {{ atlas_build_marks(counted) }}
    from counts
    group by {{ keys | join(', ') }}

)
{%- endmacro %}

{#- A surrogate key (an md5 in hexadecimal) as a number, for the pairs joined and de-duplicated
    by the million: the same key gives the same number in every build. DuckDB reads the 32
    hexadecimal digits as one 128-bit integer, all of them, so two keys never share a number;
    Spark, which builds the kept models whole, keeps the key. -#}
{% macro key_number(key) -%}
    {{ return(adapter.dispatch('key_number')(key)) }}
{%- endmacro %}

{% macro default__key_number(key) -%}
    {{ key }}
{%- endmacro %}

{% macro duckdb__key_number(key) -%}
    cast('0x' || {{ key }} as uhugeint)
{%- endmacro %}
