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
    {{ adapter.dispatch('test_relationships_since_verified')(model, column_name, to, field) }}
{% endtest %}
