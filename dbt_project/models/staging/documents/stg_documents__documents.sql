with source as (

    select * from {{ source('raw_documents', 'documents') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(publisher as {{ dbt.type_string() }}) as publisher,
        cast(title as {{ dbt.type_string() }}) as title,
        cast(url as {{ dbt.type_string() }}) as url,
        cast(published_on as date) as published_on,
        cast(language as {{ dbt.type_string() }}) as language,
        cast(source_reliability as {{ dbt.type_string() }}) as source_reliability,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        cast(handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(content_format as {{ dbt.type_string() }}) as content_format,
        cast(length(text) as {{ dbt.type_int() }}) as text_chars,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_file_sha256 as {{ dbt.type_string() }}) as _file_sha256,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
