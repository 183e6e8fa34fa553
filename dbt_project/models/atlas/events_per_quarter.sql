-- The atlas's chart "Events per quarter, by type": events by the quarter they started in.
with events as (

    select * from {{ ref('fct_event') }}

),

quartered as (

    select
        cast({{ dbt.date_trunc('quarter', 'started_on') }} as date) as quarter_start,
        event_type
    from events
    where started_on is not null

),

final as (

    select
        quarter_start,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(count(*) as {{ dbt.type_bigint() }}) as events
    from quartered
    group by quarter_start, event_type

)

select * from final
