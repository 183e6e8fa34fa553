-- The 100 latest events of each partner (the atlas's partner pages), with how many events it
-- took part in; kept between builds on DuckDB (macros/atlas_incremental.sql): an increment
-- ranks each touched partner's previous 100 with its new events only.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_participant'), ref('fct_event')]) }}"],
        **incremental_config('partner_key', partition_column=None)
    )
}}

with events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}
    {{ loaded_since_last_build(through='_built_through') }}

),

new_participations as (

    select
        participants.partner_key,
        participants.event_key,
        participants.participant_role,
        coalesce(events.started_on, cast('0001-01-01' as date)) as started_on_or_first,
        events.event_id
    from participants
    inner join events
        on participants.event_key = events.event_key

),

{{ kept_latest('new_participations', 'partner_key',
    ['event_key', 'participant_role', 'started_on_or_first', 'event_id'],
    ['started_on_or_first', 'event_id'], 100,
    [ref('bridge_event_participant'), ref('fct_event')]) }}

select * from final
