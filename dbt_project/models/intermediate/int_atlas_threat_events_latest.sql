-- The 100 latest events that discussed or targeted each threat (the atlas's threat pages),
-- with how many in all; kept between builds on DuckDB (macros/atlas_incremental.sql): an
-- increment ranks each touched threat's previous 100 with its new events only.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_threat'), ref('fct_event')]) }}"],
        **incremental_config('threat_key', partition_column=None)
    )
}}

with events as (

    select * from {{ ref('fct_event') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}
    {{ loaded_since_last_build(through='_built_through') }}

),

new_discussions as (

    select
        event_threats.threat_key,
        event_threats.event_key,
        coalesce(events.started_on, cast('0001-01-01' as date)) as started_on_or_first,
        events.event_id
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key

),

{{ kept_latest('new_discussions', 'threat_key',
    ['event_key', 'started_on_or_first', 'event_id'],
    ['started_on_or_first', 'event_id'], 100,
    [ref('bridge_event_threat'), ref('fct_event')]) }}

select * from final
