{#- The two implementations of the `relationships_since_verified` test (tests/generic/). -#}

{#- Without load marks (every engine but DuckDB): dbt's own test, on every row. -#}
{% macro default__test_relationships_since_verified(model, column_name, to, field) %}
    {{ adapter.dispatch('test_relationships', 'dbt')(model, column_name, to, field) }}
{% endmacro %}

{% macro duckdb__test_relationships_since_verified(model, column_name, to, field) %}
{%- set parent_grows = grows_by_loads(to) %}

with mark as (

    select verified.verified_through, parent_keys.loaded_through,
           parent_keys.key_count, parent_keys.key_hash
    from {{ verified_loads_table() }} as verified
    join {{ verified_parent_keys_table() }} as parent_keys using (model_name)
    where verified.model_name = '{{ model.identifier }}'
      and parent_keys.parent_name = '{{ to.identifier }}'
      and parent_keys.parent_field = '{{ field }}'

),

parent_now as (

    {{ parent_key_fingerprint(to, field, '(select loaded_through from mark)') }}

),

checked_since as (

    select coalesce(
        (select mark.verified_through from mark join parent_now using (key_count, key_hash)),
        cast('-infinity' as {{ dbt.type_timestamp() }})
    ) as loaded_after

),

child as (

    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
      and _loaded_at > (select loaded_after from checked_since)

),

{%- if parent_grows %}

-- materialized: DuckDB then knows it is small, builds the last join on it, and skips reading
-- the whole parent when it is empty
not_in_recent_loads as materialized (

    select child.from_field
    from child
    left join (
        select {{ field }} as to_field
        from {{ to }}
        where _loaded_at > (select loaded_after from checked_since)
    ) as recent
        on child.from_field = recent.to_field
    where recent.to_field is null

),

{%- endif %}

parent as (

    select {{ field }} as to_field
    from {{ to }}

)

{%- set unfound = 'not_in_recent_loads' if parent_grows else 'child' %}

select from_field
from {{ unfound }}
left join parent
    on {{ unfound }}.from_field = parent.to_field
where parent.to_field is null

{% endmacro %}
