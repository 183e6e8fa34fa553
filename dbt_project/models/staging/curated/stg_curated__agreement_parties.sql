with source as (

    select * from {{ source('raw_curated', 'agreement_parties') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(agreement_id as {{ dbt.type_string() }}) as agreement_id,
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(party_role as {{ dbt.type_string() }}) as party_role,
        cast(_ordinal as {{ dbt.type_int() }}) as _ordinal,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
