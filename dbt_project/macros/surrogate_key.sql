{#- A surrogate key: the hash of the natural key parts, NULL parts written as a token so that
    ('a', NULL) and (NULL, 'a') differ on every engine (concat with NULL differs across engines). -#}
{% macro surrogate_key(columns) -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '_null_')") -%}
        {%- if not loop.last %}{%- do parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.hash(dbt.concat(parts)) }}
{%- endmacro %}
