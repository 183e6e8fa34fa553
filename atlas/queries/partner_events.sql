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

latest as (

    select
        participants.partner_key,
        participants.event_key,
        participants.participant_role,
        count(*) over (partition by participants.partner_key) as total
    from participants
    inner join events
        on participants.event_key = events.event_key
    qualify row_number() over (
        partition by participants.partner_key
        order by events.started_on desc nulls last, events.event_id
    ) <= 100

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
