-- One row per calendar day from the first of January of the earliest fact's year to the last
-- of December of the latest fact's year.
-- depends_on: {{ ref('int_fact_dates_unioned') }}
{% set bounds_query %}
    select
        cast(min(fact_date) as {{ dbt.type_string() }}),
        cast(max(fact_date) as {{ dbt.type_string() }})
    from {{ ref('int_fact_dates_unioned') }}
{% endset %}
{% if execute %}
    {% set row = run_query(bounds_query).rows[0] %}
    {% set first_year = (row[0] or '2000-01-01')[:4] %}
    {% set last_year = (row[1] or '2000-01-01')[:4] %}
{% else %}
    {% set first_year, last_year = '2000', '2000' %}
{% endif %}

with spine as (

    {{ dbt.date_spine(
        datepart='day',
        start_date="cast('" ~ first_year ~ "-01-01' as date)",
        end_date="cast('" ~ (last_year | int + 1) ~ "-01-01' as date)"
    ) }}

),

final as (

    select
        cast(date_day as date) as date_key,
        cast(extract(year from date_day) as {{ dbt.type_int() }}) as year,
        cast(extract(quarter from date_day) as {{ dbt.type_int() }}) as quarter,
        cast(extract(month from date_day) as {{ dbt.type_int() }}) as month,
        cast(extract(day from date_day) as {{ dbt.type_int() }}) as day_of_month,
        cast({{ iso_year('date_day') }} as {{ dbt.type_int() }}) as iso_year,
        cast(extract(week from date_day) as {{ dbt.type_int() }}) as iso_week,
        cast(
            {{ dbt.concat([
                "cast(extract(year from date_day) as " ~ dbt.type_string() ~ ")",
                "'-Q'",
                "cast(extract(quarter from date_day) as " ~ dbt.type_string() ~ ")"
            ]) }} as {{ dbt.type_string() }}
        ) as year_quarter
    from spine

)

select * from final
