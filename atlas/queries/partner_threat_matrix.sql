-- Atlas chart "Partners and threats": events per partner and threat (an event counts once for
-- every partner taking part and every threat it discussed or targeted), for the 30 partners
-- with the most such events.
with partners as (

    select * from marts.dim_partner

),

threats as (

    select * from marts.dim_threat

),

participants as (

    select * from marts.bridge_event_participant

),

event_threats as (

    select * from marts.bridge_event_threat

),

counts as (

    select
        participants.partner_key,
        event_threats.threat_key,
        -- each bridge holds an event once per partner and per threat (tested unique)
        count(*) as events
    from participants
    inner join event_threats
        on participants.event_key = event_threats.event_key
    group by participants.partner_key, event_threats.threat_key

),

top_partners as (

    select partner_key
    from counts
    group by partner_key
    order by sum(events) desc, partner_key
    limit 30

),

final as (

    select
        partners.partner_id,
        partners.partner_name,
        threats.threat_id,
        threats.threat_name,
        counts.events
    from counts
    inner join top_partners
        on counts.partner_key = top_partners.partner_key
    inner join partners
        on counts.partner_key = partners.partner_key
    inner join threats
        on counts.threat_key = threats.threat_key

)

select * from final
order by partner_name, threat_name
