{#- The atlas's date: open spells end on it and the map shows it. The `atlas_as_of` var
    (`dbt build --vars '{atlas_as_of: 2025-03-07}'`) asks about another day; by default it is
    the day of the build, which the publication follows. -#}
{% macro atlas_as_of() -%}
    {%- set as_of = var('atlas_as_of', none) -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as date)
    {%- else -%}
        current_date
    {%- endif -%}
{%- endmacro %}

{#- The values of `expression` in a group, sorted, joined by `separator`. Spark parses no
    `string_agg(... order by ...)`, and `dbt.listagg` ignores the order there. -#}
{% macro sorted_string_agg(expression, separator) -%}
    {{ return(adapter.dispatch('sorted_string_agg')(expression, separator)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, separator) -%}
    string_agg({{ expression }}, '{{ separator }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, separator) -%}
    array_join(array_sort(collect_list({{ expression }})), '{{ separator }}')
{%- endmacro %}

{#- The `n` rows of each `group_by` value of `rows` (a CTE) that come first by `order_by`
    (expressions sorted descending, none null), with the columns `keep`. DuckDB keeps a top-n
    per group while it scans (`max_by` with a count), in a few kB per group, where ranking
    with a window sorts every row; Spark has no such aggregate and ranks. -#}
{% macro latest_per_group(rows, group_by, keep, order_by, n) -%}
    {{ return(adapter.dispatch('latest_per_group')(rows, group_by, keep, order_by, n)) }}
{%- endmacro %}

{% macro default__latest_per_group(rows, group_by, keep, order_by, n) -%}
    select {{ group_by }}, {{ keep | join(', ') }}
    from (
        select
            {{ rows }}.*,
            row_number() over (
                partition by {{ group_by }}
                order by {% for expression in order_by %}{{ expression }} desc{{ ', ' if not loop.last }}{% endfor %}
            ) as latest_rank
        from {{ rows }}
    ) as ranked
    where latest_rank <= {{ n }}
{%- endmacro %}

{% macro duckdb__latest_per_group(rows, group_by, keep, order_by, n) -%}
    select {{ group_by }}, unnest(latest, recursive := true)
    from (
        select
            {{ group_by }},
            max_by(
                { {%- for column in keep %}'{{ column }}': {{ column }}{{ ', ' if not loop.last }}{% endfor -%} },
                { {%- for expression in order_by %}'by_{{ loop.index }}': {{ expression }}{{ ', ' if not loop.last }}{% endfor -%} },
                {{ n }}
            ) as latest
        from {{ rows }}
        group by {{ group_by }}
    ) as grouped
{%- endmacro %}
