with source as (

    select * from {{ source('raw_linking', 'document_mentions') }}

),

renamed as (

    select
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(mention_ordinal as {{ dbt.type_int() }}) as mention_ordinal,
        cast(mention_kind as {{ dbt.type_string() }}) as mention_kind,
        cast(mention_id as {{ dbt.type_string() }}) as mention_id,
        cast(surface as {{ dbt.type_string() }}) as surface,
        cast(start_offset as {{ dbt.type_int() }}) as start_offset,
        cast(end_offset as {{ dbt.type_int() }}) as end_offset,
        cast(method as {{ dbt.type_string() }}) as method,
        cast(confidence as {{ dbt.type_float() }}) as confidence,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        cast(role as {{ dbt.type_string() }}) as role,
        cast(gazetteer_version as {{ dbt.type_string() }}) as gazetteer_version,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
