-- Q4. Which threats were discussed at the visit of the CLASI ministerial delegations to Europol
-- on 2025-03-07?
with events as (

    select * from marts.fct_event

),

participants as (

    select * from marts.bridge_event_participant

),

partners as (

    select * from marts.dim_partner

),

event_threats as (

    select * from marts.bridge_event_threat

),

threats as (

    select * from marts.dim_threat

),

visits as (

    select events.event_key
    from events
    inner join participants as host
        on events.event_key = host.event_key
        and host.participant_role = 'host'
    inner join partners as host_partner
        on host.partner_key = host_partner.partner_key
        and host_partner.partner_id = 'europol'
    inner join participants as visitor
        on events.event_key = visitor.event_key
        and visitor.participant_role = 'visitor'
    inner join partners as visitor_partner
        on visitor.partner_key = visitor_partner.partner_key
        and visitor_partner.partner_id = 'clasi'
    where events.event_type = 'delegation_visit'
        and events.started_on = date '2025-03-07'

),

final as (

    select distinct threats.threat_name
    from visits
    inner join event_threats
        on visits.event_key = event_threats.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key

)

select * from final
order by threat_name
