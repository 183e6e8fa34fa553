-- Atlas chart "Events per quarter, by type": events by the quarter they started in.
with events as (

    select * from marts.fct_event

),

final as (

    select
        cast(date_trunc('quarter', started_on) as date) as quarter_start,
        event_type,
        count(*) as events
    from events
    where started_on is not null
    group by all

)

select * from final
order by quarter_start, event_type
