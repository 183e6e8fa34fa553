{{ config(materialized='view') }}

with events as (

    select * from {{ ref('fct_event') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

),

threats as (

    select * from {{ ref('dim_threat') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

final as (

    select
        threats.threat_id,
        threats.threat_name,
        events.started_on,
        events.ended_on,
        events.date_precision,
        events.event_id,
        events.event_name,
        events.event_type,
        events.location_name,
        threats.is_empact_2022_2025,
        threats.is_empact_2026_2029,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    inner join documents
        on events.document_key = documents.document_key

)

select * from final
