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
    {{ loaded_since_last_build(through='_built_through') }}

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

{{ kept_sums('new_counts', ['partner_key', 'threat_key'], 'events',
    [ref('bridge_event_participant'), ref('bridge_event_threat')]) }}

select * from final
