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
    (its columns, sorted descending, none null), with the columns `keep`. DuckDB keeps a top-n
    per group while it scans (`max_by` with a count), where ranking with a window sorts every
    row; Spark has no such aggregate and ranks. -#}
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

{#- First each group's n-th greatest first sort key (n dates a group: a small state), then the
    top n among the rows from it on only. Ranking every row at once held up to n whole rows per
    group in every partial aggregate: under a cap it could not meet, it spilled them over and
    over (12 GB and more at 10M events under 2,300 MB, bench/README.md); this spills like a
    join. -#}
{% macro duckdb__latest_per_group(rows, group_by, keep, order_by, n) -%}
    select {{ group_by }}, unnest(latest, recursive := true)
    from (
        select
            ranked.{{ group_by }},
            max_by(
                { {%- for column in keep %}'{{ column }}': ranked.{{ column }}{{ ', ' if not loop.last }}{% endfor -%} },
                { {%- for expression in order_by %}'by_{{ loop.index }}': ranked.{{ expression }}{{ ', ' if not loop.last }}{% endfor -%} },
                {{ n }}
            ) as latest
        from {{ rows }} as ranked
        inner join (
            select {{ group_by }}, list_min(max({{ order_by[0] }}, {{ n }})) as since
            from {{ rows }}
            group by {{ group_by }}
        ) as cutoffs
            on ranked.{{ group_by }} = cutoffs.{{ group_by }}
        where ranked.{{ order_by[0] }} >= cutoffs.since
        group by ranked.{{ group_by }}
    ) as grouped
{%- endmacro %}
