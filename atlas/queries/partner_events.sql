-- Atlas partner pages, table "Events": the 100 latest events each partner took part in, with
-- its role, the threats discussed and the source document, its 4x4 grade and handling code;
-- `total` is how many events the partner took part in.
with events as (

    select * from marts.fct_event

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

event_threats as (

    select * from marts.bridge_event_threat

),

threats as (

    select * from marts.dim_threat

),

latest_keys as (

    -- the 100 latest per partner: a top-n aggregate, cheaper than ranking every row
    select
        participants.partner_key,
        count(*) as total,
        max_by(
            {
                'event_key': participants.event_key,
                'participant_role': participants.participant_role
            },
            {
                'started_on': coalesce(events.started_on, date '0001-01-01'),
                'event_id': events.event_id
            },
            100
        ) as shown
    from participants
    inner join events
        on participants.event_key = events.event_key
    group by participants.partner_key

),

latest as (

    select
        partner_key,
        total,
        unnest(shown, recursive := true)
    from latest_keys

),

threat_names as (

    select
        event_threats.event_key,
        string_agg(threats.threat_name, ', ' order by threats.threat_name) as threats
    from event_threats
    inner join (select distinct event_key from latest) as shown
        on event_threats.event_key = shown.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    group by event_threats.event_key

),

final as (

    select
        partners.partner_id,
        events.started_on,
        events.event_name,
        events.event_type,
        latest.participant_role,
        events.location_name,
        threat_names.threats,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code,
        latest.total
    from latest
    inner join events
        on latest.event_key = events.event_key
    inner join partners
        on latest.partner_key = partners.partner_key
    left join threat_names
        on latest.event_key = threat_names.event_key
    left join documents
        on events.document_key = documents.document_key

)

select * from final
order by partner_id, started_on desc nulls last, event_name
