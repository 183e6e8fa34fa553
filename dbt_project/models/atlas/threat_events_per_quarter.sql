-- The atlas's threat pages, chart "Events per quarter": per threat, the events that discussed
-- or targeted it, by the quarter they started in.
with threats as (

    select * from {{ ref('dim_threat') }}

),

events as (

    select * from {{ ref('fct_event') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

),

quartered as (

    select
        event_threats.threat_key,
        cast({{ dbt.date_trunc('quarter', 'events.started_on') }} as date) as quarter_start
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key
    where events.started_on is not null

),

final as (

    select
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        quartered.quarter_start,
        cast(count(*) as {{ dbt.type_bigint() }}) as events
    from quartered
    inner join threats
        on quartered.threat_key = threats.threat_key
    group by threats.threat_id, quartered.quarter_start

)

select * from final
