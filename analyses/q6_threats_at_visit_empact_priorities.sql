-- Q6. Which of the threats discussed on 2025-03-07 are EU crime priorities (EMPACT) in
-- 2022-2025, and which in 2026-2029?
with events as (

    select * from marts.fct_event

),

event_threats as (

    select * from marts.bridge_event_threat

),

threats as (

    select * from marts.dim_threat

),

final as (

    select distinct
        threats.threat_name,
        threats.is_empact_2022_2025,
        threats.is_empact_2026_2029
    from events
    inner join event_threats
        on events.event_key = event_threats.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    where events.started_on = date '2025-03-07'

)

select * from final
order by threat_name
