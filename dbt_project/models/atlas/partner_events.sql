-- The atlas's partner pages, table "Events": the 100 latest events each partner took part in,
-- with its role, the threats discussed and the source document, its 4x4 grade and handling
-- code; `total` is how many events the partner took part in.
with events as (

    select * from {{ ref('fct_event') }}

),

partners as (

    select * from {{ ref('dim_partner') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

),

threats as (

    select * from {{ ref('dim_threat') }}

),

latest as (

    select * from {{ ref('int_atlas_partner_events_latest') }}

),

threat_names as (

    select
        event_threats.event_key,
        {{ sorted_string_agg('threats.threat_name', ', ') }} as threats
    from event_threats
    inner join (select distinct event_key from latest) as shown
        on event_threats.event_key = shown.event_key
    inner join threats
        on event_threats.threat_key = threats.threat_key
    group by event_threats.event_key

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        events.started_on,
        cast(events.event_name as {{ dbt.type_string() }}) as event_name,
        cast(events.event_type as {{ dbt.type_string() }}) as event_type,
        cast(latest.participant_role as {{ dbt.type_string() }}) as participant_role,
        cast(events.location_name as {{ dbt.type_string() }}) as location_name,
        cast(threat_names.threats as {{ dbt.type_string() }}) as threats,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(latest.total as {{ dbt.type_bigint() }}) as total
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
