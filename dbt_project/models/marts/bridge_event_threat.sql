with event_threats as (

    select * from {{ ref('stg_curated__event_threats') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['event_id']) }} as {{ dbt.type_string() }}) as event_key,
        cast({{ surrogate_key(['threat_id']) }} as {{ dbt.type_string() }}) as threat_key,
        -- provenance
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from event_threats

)

select * from final
