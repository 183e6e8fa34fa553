-- Q7. How many CLASI delegation visits had Europol hosted by 2025-03-07, and how many of them
-- does no source describe directly (inferred from what a source says indirectly)?
-- Europol's release of 7 March 2025 calls that visit "the second since 2022": expected 2, 1 inferred.
with events as (

    select * from marts.fct_event

),

participants as (

    select * from marts.bridge_event_participant

),

partners as (

    select * from marts.dim_partner

),

visits as (

    select distinct events.event_key, events.started_on, events.is_inferred
    from events
    inner join participants as host
        on events.event_key = host.event_key
        and host.participant_role = 'host'
    inner join partners as host_partner
        on host.partner_key = host_partner.partner_key
    inner join participants as visitor
        on events.event_key = visitor.event_key
        and visitor.participant_role = 'visitor'
    inner join partners as visitor_partner
        on visitor.partner_key = visitor_partner.partner_key
    where events.event_type = 'delegation_visit'
        and host_partner.partner_id = 'europol'
        and visitor_partner.partner_id = 'clasi'
        and events.started_on <= date '2025-03-07'

),

final as (

    select
        count(*) as visits,
        count(*) filter (where is_inferred) as inferred_visits,
        min(started_on) as first_visit_on
    from visits

)

select * from final
