-- Atlas threat pages, chart "Events per quarter": per threat, the events that discussed or
-- targeted it, by the quarter they started in.
with threats as (

    select * from marts.dim_threat

),

events as (

    select * from marts.fct_event

),

event_threats as (

    select * from marts.bridge_event_threat

),

final as (

    select
        threats.threat_id,
        cast(date_trunc('quarter', events.started_on) as date) as quarter_start,
        count(*) as events
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    where events.started_on is not null
    group by all

)

select * from final
order by threat_id, quarter_start
