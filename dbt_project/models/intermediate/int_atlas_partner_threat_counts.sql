-- Events per partner and threat (an event counts once for every partner taking part and every
-- threat it discussed or targeted), for the atlas's matrix; kept between builds on DuckDB
-- (macros/atlas_incremental.sql): an increment adds the counts of its new events.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_participant'), ref('bridge_event_threat')]) }}"],
        **incremental_config(['partner_key', 'threat_key'], partition_column=None)
    )
}}

with participants as (

    select * from {{ ref('bridge_event_participant') }}
    -- an event's participants and threats come from its own line, loaded together
    {{ since_atlas_build('_loaded_at') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}

),

new_counts as (

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

counts as (

    select partner_key, threat_key, events
    from new_counts
    {% if is_incremental() %}
    union all
    select built.partner_key, built.threat_key, built.events
    from {{ this }} as built
    inner join new_counts
        on built.partner_key = new_counts.partner_key
        and built.threat_key = new_counts.threat_key
    {% endif %}

),

final as (

    select
        partner_key,
        threat_key,
        cast(sum(events) as {{ dbt.type_bigint() }}) as events,
        {{ atlas_build_marks([ref('bridge_event_participant'), ref('bridge_event_threat')]) }}
    from counts
    group by partner_key, threat_key

)

select * from final
