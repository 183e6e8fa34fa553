with source as (

    select * from {{ source('raw_curated', 'partners') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(partner_type as {{ dbt.type_string() }}) as partner_type,
        cast(acronym as {{ dbt.type_string() }}) as acronym,
        cast(parent_partner_id as {{ dbt.type_string() }}) as parent_partner_id,
        cast(founded_on as date) as founded_on,
        cast(headquarters_city as {{ dbt.type_string() }}) as headquarters_city,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
