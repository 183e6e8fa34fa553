{#- The ISO 8601 week-numbering year of a date: engines name it differently. -#}
{% macro iso_year(date_expression) -%}
    {{ return(adapter.dispatch('iso_year')(date_expression)) }}
{%- endmacro %}

{% macro default__iso_year(date_expression) -%}
    extract(isoyear from {{ date_expression }})
{%- endmacro %}

{% macro spark__iso_year(date_expression) -%}
    extract(yearofweek from {{ date_expression }})
{%- endmacro %}
