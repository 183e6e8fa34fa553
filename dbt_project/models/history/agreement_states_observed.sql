-- On Spark, in place of the agreements snapshot (Parquet tables have no merge, so dbt-spark has
-- no snapshots on them): an append-only log with one row per agreement each time a build
-- observes a new state of it (first sight, a changed checked column, or its removal). The
-- type-2 validity follows from the log: a state is valid from its `observed_at` until the next
-- row of the same agreement (`lead(observed_at)`).
{{
    config(
        enabled=target.type == 'spark',
        materialized='incremental',
        incremental_strategy='append',
        file_format='parquet',
        schema='snapshots',
    )
}}
{%- set checked = ['status', 'recommended_on', 'mandate_adopted_on', 'negotiations_opened_on',
                   'signed_on', 'concluded_on', 'in_force_on',
                   'ended_on', 'allows_personal_data'] %}

with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

current_states as (

    select
        agreement_id,
        {{ checked | join(',\n        ') }},
        {{ surrogate_key(checked) }} as state_hash,
        false as is_removed
    from agreements

),

{% if is_incremental() %}
latest as (

    select * from (
        select
            *,
            row_number() over (partition by agreement_id order by observed_at desc) as recency
        from {{ this }}
    ) as ranked
    where recency = 1

),

removed as (

    select
        latest.agreement_id,
        {% for column in checked %}latest.{{ column }},
        {% endfor -%}
        latest.state_hash,
        true as is_removed
    from latest
    left join agreements
        on latest.agreement_id = agreements.agreement_id
    where agreements.agreement_id is null
        and not latest.is_removed

),

new_states as (

    select current_states.*
    from current_states
    left join latest
        on current_states.agreement_id = latest.agreement_id
    where latest.agreement_id is null
        or latest.is_removed
        or latest.state_hash <> current_states.state_hash
    union all
    select * from removed

),
{% else %}
new_states as (

    select * from current_states

),
{% endif %}

final as (

    select
        new_states.*,
        current_timestamp() as observed_at
    from new_states

)

select * from final
