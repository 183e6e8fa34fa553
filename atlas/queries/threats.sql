-- Atlas index and threat pages: every threat (crime area), its EU crime priority flags and
-- how many events discussed or targeted it.
with threats as (

    select * from marts.dim_threat

),

event_threats as (

    select * from marts.bridge_event_threat

),

event_counts as (

    select threat_key, count(*) as events  -- one row per event and threat (tested unique)
    from event_threats
    group by threat_key

),

final as (

    select
        threats.threat_id,
        threats.threat_name,
        threats.is_empact_2022_2025,
        threats.is_empact_2026_2029,
        coalesce(event_counts.events, 0) as events
    from threats
    left join event_counts
        on threats.threat_key = event_counts.threat_key

)

select * from final
order by threat_name
