-- The atlas's chart "Partners and threats": events per partner and threat (an event counts
-- once for every partner taking part and every threat it discussed or targeted), for the 30
-- partners with the most such events.
with partners as (

    select * from {{ ref('dim_partner') }}

),

threats as (

    select * from {{ ref('dim_threat') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

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
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(partners.partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        cast(threats.threat_name as {{ dbt.type_string() }}) as threat_name,
        cast(counts.events as {{ dbt.type_bigint() }}) as events
    from counts
    inner join top_partners
        on counts.partner_key = top_partners.partner_key
    inner join partners
        on counts.partner_key = partners.partner_key
    inner join threats
        on counts.threat_key = threats.threat_key

)

select * from final
