{#- dbt's `relationships` test for an incremental model (one with `_loaded_at`): every non-null
    value of the column exists in `to`.`field`. It reads only the rows of loads not yet verified
    (see `macros/incremental.sql`) when the parent still holds every key it held when the older
    loads were verified: a fingerprint of those keys (`parent_key_fingerprint`) is kept with the
    model's watermark. A parent that lost or changed a key, or was rebuilt from scratch, or a
    model never verified, gets the whole table tested.

    A parent that grows by loads is searched in two steps: first only among its rows loaded
    after the child's verified loads (a new bridge row's event came in the same load), then,
    for the values not found there, in every row. When the first step finds them all, the
    second reads nothing. -#}
{% test relationships_since_verified(model, column_name, to, field) %}
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

{% endtest %}
