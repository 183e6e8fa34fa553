-- Per threat, the events that discussed or targeted it by the quarter they started in, for the
-- atlas's threat pages; kept between builds on DuckDB (macros/atlas_incremental.sql): an
-- increment adds the counts of its new events.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_threat'), ref('fct_event')]) }}"],
        **incremental_config(['threat_key', 'quarter_start'], partition_column=None)
    )
}}

with events as (

    select * from {{ ref('fct_event') }}

),

event_threats as (

    select * from {{ ref('bridge_event_threat') }}
    {{ loaded_since_last_build(through='_built_through') }}

),

new_counts as (

    select
        event_threats.threat_key,
        cast({{ dbt.date_trunc('quarter', 'events.started_on') }} as date) as quarter_start,
        count(*) as events  -- the bridge holds an event once per threat (tested unique)
    from event_threats
    inner join events
        on event_threats.event_key = events.event_key
    where events.started_on is not null
    group by 1, 2

),

{{ kept_sums('new_counts', ['threat_key', 'quarter_start'], 'events',
    [ref('bridge_event_threat'), ref('fct_event')]) }}

select * from final
