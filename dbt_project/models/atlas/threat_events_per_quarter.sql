-- The atlas's threat pages, chart "Events per quarter": per threat, the events that discussed
-- or targeted it, by the quarter they started in.
with threats as (

    select * from {{ ref('dim_threat') }}

),

quartered as (

    select * from {{ ref('int_atlas_threat_quarter_counts') }}

),

final as (

    select
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        quartered.quarter_start,
        cast(quartered.events as {{ dbt.type_bigint() }}) as events
    from quartered
    inner join threats
        on quartered.threat_key = threats.threat_key

)

select * from final
