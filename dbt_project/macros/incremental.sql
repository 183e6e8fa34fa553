{#- Incremental facts read only the rows loaded since the last build of the model: every raw
    row carries the time of the load that wrote it, and a changed file's rows get a new one. -#}
{% macro loaded_since_last_build(column='_loaded_at') -%}
    {%- if is_incremental() -%}
        where {{ column }} > (
            select coalesce(max({{ column }}), cast('1900-01-01' as {{ dbt.type_timestamp() }}))
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}

{#- After an incremental build, drop rows whose natural key no longer exists upstream (a
    changed file that no longer holds them): the marts then match a full refresh. -#}
{% macro delete_rows_missing_from(upstream, key_column, upstream_key_column=none) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where {{ key_column }} not in (
            select {{ upstream_key_column or key_column }} from {{ upstream }}
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
