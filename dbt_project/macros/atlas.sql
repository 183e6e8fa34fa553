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
