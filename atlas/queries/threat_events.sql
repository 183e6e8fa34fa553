-- Atlas threat pages, table "Events": the 100 latest events that discussed or targeted each
-- threat, with their participants and the source document, its 4x4 grade and handling code;
-- `total` is how many events in all.
with threats as (

    select * from marts.dim_threat

),

events as (

    select * from marts.fct_event

),

event_threats as (

    select * from marts.bridge_event_threat

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

latest_keys as (

    -- the 100 latest per threat: a top-n aggregate, cheaper than ranking every row
    select
        event_threats.threat_key,
        count(*) as total,
        max_by(
            event_threats.event_key,
            {
                'started_on': coalesce(events.started_on, date '0001-01-01'),
                'event_id': events.event_id
            },
            100
        ) as event_keys
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key
    group by event_threats.threat_key

),

latest as (

    select
        latest_keys.threat_key,
        latest_keys.total,
        unnest(latest_keys.event_keys) as event_key
    from latest_keys

),

participant_names as (

    select
        participants.event_key,
        string_agg(partners.partner_name, ', ' order by partners.partner_name) as participants
    from participants
    inner join (select distinct event_key from latest) as shown
        on participants.event_key = shown.event_key
    inner join partners
        on participants.partner_key = partners.partner_key
    group by participants.event_key

),

final as (

    select
        threats.threat_id,
        events.started_on,
        events.event_name,
        events.event_type,
        participant_names.participants,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code,
        latest.total
    from latest
    inner join threats
        on latest.threat_key = threats.threat_key
    inner join events
        on latest.event_key = events.event_key
    left join participant_names
        on latest.event_key = participant_names.event_key
    left join documents
        on events.document_key = documents.document_key

)

select * from final
order by threat_id, started_on desc nulls last, event_name
