-- The atlas's threat pages, table "Events": the 100 latest events that discussed or targeted
-- each threat, with their participants and the source document, its 4x4 grade and handling
-- code; `total` is how many events in all.
with threats as (

    select * from {{ ref('dim_threat') }}

),

events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

),

partners as (

    select * from {{ ref('dim_partner') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

latest as (

    select * from {{ ref('int_atlas_threat_events_latest') }}

),

participant_names as (

    select
        participants.event_key,
        {{ sorted_string_agg('partners.partner_name', ', ') }} as participants
    from participants
    inner join (select distinct event_key from latest) as shown
        on participants.event_key = shown.event_key
    inner join partners
        on participants.partner_key = partners.partner_key
    group by participants.event_key

),

final as (

    select
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        events.started_on,
        cast(events.event_name as {{ dbt.type_string() }}) as event_name,
        cast(events.event_type as {{ dbt.type_string() }}) as event_type,
        cast(participant_names.participants as {{ dbt.type_string() }}) as participants,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(latest.total as {{ dbt.type_bigint() }}) as total
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
