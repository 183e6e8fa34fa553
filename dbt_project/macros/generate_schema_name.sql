{#- Schemas are named by layer (staging, intermediate, marts, snapshots), not prefixed by the
    target schema: analysts read `marts.dim_partner`, whatever target built it. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
