with participants as (

    select * from {{ ref('stg_curated__event_participants') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['event_id']) }} as {{ dbt.type_string() }}) as event_key,
        cast({{ surrogate_key(['partner_id']) }} as {{ dbt.type_string() }}) as partner_key,
        -- attributes
        cast(participant_role as {{ dbt.type_string() }}) as participant_role,
        -- provenance
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from participants

)

select * from final
