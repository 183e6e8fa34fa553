with source as (

    select * from {{ source('raw_curated', 'event_participants') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(participant_role as {{ dbt.type_string() }}) as participant_role,
        cast(_ordinal as {{ dbt.type_int() }}) as _ordinal,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
