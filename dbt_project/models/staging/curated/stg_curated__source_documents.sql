with source as (

    select * from {{ source('raw_curated', 'source_documents') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(publisher as {{ dbt.type_string() }}) as publisher,
        cast(published_on as date) as published_on,
        cast(url as {{ dbt.type_string() }}) as url,
        cast(language as {{ dbt.type_string() }}) as language,
        cast(source_reliability as {{ dbt.type_string() }}) as source_reliability,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        cast(handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(verification_status as {{ dbt.type_string() }}) as verification_status,
        cast(publisher_kind as {{ dbt.type_string() }}) as publisher_kind,
        cast(original_publisher as {{ dbt.type_string() }}) as original_publisher,
        cast(original_url as {{ dbt.type_string() }}) as original_url,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
