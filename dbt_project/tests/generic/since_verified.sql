{#- Tests of incremental marts and of staging views that read only the rows of loads not yet
    verified (`unverified_rows`, macros/incremental.sql): older rows passed them in an earlier
    build and are never updated in place. On an engine without load marks they read every row.
    Each is the test of the same name without the suffix, on those rows. -#}

{#- With `keys_of_new_loads`: the keys of new loads checked against every row (a staging view:
    a load's rows are only ever deleted later, so older rows cannot become duplicates among
    themselves). -#}
{% test unique_since_verified(model, column_name, keys_of_new_loads=false) %}
    {{ adapter.dispatch('test_unique', 'dbt')(
        unverified_rows(model, keys_of=column_name if keys_of_new_loads else none), column_name) }}
{% endtest %}

{% test accepted_values_since_verified(model, column_name, values, quote=true) %}
    {{ adapter.dispatch('test_accepted_values', 'dbt')(unverified_rows(model), column_name, values, quote) }}
{% endtest %}

{% test not_before_since_verified(model, column_name, start_column) %}
    {{ test_not_before(unverified_rows(model), column_name, start_column) }}
{% endtest %}

{% test unique_combination_since_verified(model, combination_of_columns) %}
    {{ test_unique_combination(unverified_rows(model), combination_of_columns) }}
{% endtest %}
