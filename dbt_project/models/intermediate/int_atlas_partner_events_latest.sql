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
    {{ since_atlas_build('_loaded_at') }}

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

candidates as (

    {% if is_incremental() %}
    select partner_key, event_key, participant_role, started_on_or_first, event_id
    from {{ this }}
    where partner_key in (select partner_key from new_participations)
    union all
    {% endif %}
    select partner_key, event_key, participant_role, started_on_or_first, event_id
    from new_participations

),

latest as (

    {{ latest_per_group('candidates', 'partner_key',
        ['event_key', 'participant_role', 'started_on_or_first', 'event_id'],
        ['started_on_or_first', 'event_id'], 100) }}

),

counted as (

    select partner_key, count(*) as total  -- one row per event and partner (tested unique)
    from new_participations
    group by partner_key
    {% if is_incremental() %}
    union all
    select partner_key, max(total) as total
    from {{ this }}
    where partner_key in (select partner_key from new_participations)
    group by partner_key
    {% endif %}

),

totals as (

    select partner_key, sum(total) as total
    from counted
    group by partner_key

),

final as (

    select
        latest.partner_key,
        latest.event_key,
        latest.participant_role,
        latest.started_on_or_first,
        latest.event_id,
        cast(totals.total as {{ dbt.type_bigint() }}) as total,
        {{ atlas_build_marks([ref('bridge_event_participant'), ref('fct_event')]) }}
    from latest
    inner join totals
        on latest.partner_key = totals.partner_key

)

select * from final
