-- Q10. Which EU-Latin America meetings and launches on drug trafficking took place from 2022 to
-- 2025, where, and with which grade of source?
-- Change the threat or the period to ask the same of another crime area.
with events as (

    select * from marts.fct_event

),

event_threats as (

    select * from marts.bridge_event_threat

),

threats as (

    select * from marts.dim_threat

),

participants as (

    select * from marts.bridge_event_participant

),

partners as (

    select * from marts.dim_partner

),

documents as (

    select * from marts.dim_source_document

),

on_drugs as (

    select distinct events.event_key
    from events
    inner join event_threats
        on events.event_key = event_threats.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    where threats.threat_id = 'drug-trafficking'
        and events.started_on between date '2022-01-01' and date '2025-12-31'
        and events.event_type <> 'signing'

),

-- a Latin American country, or a body of the region (CLASI, CELAC, AMERIPOL), took part
with_latin_america as (

    select distinct on_drugs.event_key
    from on_drugs
    inner join participants
        on on_drugs.event_key = participants.event_key
    inner join partners
        on participants.partner_key = partners.partner_key
    where partners.is_latin_america_caribbean
        or partners.partner_id in ('clasi', 'celac', 'ameripol')

),

final as (

    select
        events.started_on,
        events.event_type,
        events.event_name,
        events.location_name,
        documents.evaluation_code
    from with_latin_america
    inner join events
        on with_latin_america.event_key = events.event_key
    inner join documents
        on events.document_key = documents.document_key

)

select * from final
order by started_on, event_name
