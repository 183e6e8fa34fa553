-- The atlas's index and threat pages: every threat (crime area), its EU crime priority flags
-- and how many events discussed or targeted it.
with threats as (

    select * from {{ ref('dim_threat') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

),

event_counts as (

    select threat_key, count(*) as events  -- one row per event and threat (tested unique)
    from event_threats
    group by threat_key

),

final as (

    select
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        cast(threats.threat_name as {{ dbt.type_string() }}) as threat_name,
        cast(threats.is_empact_2022_2025 as {{ dbt.type_boolean() }}) as is_empact_2022_2025,
        cast(threats.is_empact_2026_2029 as {{ dbt.type_boolean() }}) as is_empact_2026_2029,
        cast(coalesce(event_counts.events, 0) as {{ dbt.type_bigint() }}) as events
    from threats
    left join event_counts
        on threats.threat_key = event_counts.threat_key

)

select * from final
