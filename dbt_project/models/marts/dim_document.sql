-- The landed documents (raw/documents/): press releases and reports the linker reads. Cited
-- public documents of the curated facts are in dim_source_document.
with documents as (

    select * from {{ ref('stg_documents__documents') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        -- what the document is
        cast(title as {{ dbt.type_string() }}) as title,
        cast(publisher as {{ dbt.type_string() }}) as publisher,
        cast(published_on as date) as published_on,
        cast(url as {{ dbt.type_string() }}) as url,
        cast(language as {{ dbt.type_string() }}) as language,
        cast(content_format as {{ dbt.type_string() }}) as content_format,
        cast(text_chars as {{ dbt.type_int() }}) as text_chars,
        -- 4x4 evaluation and handling code
        cast(source_reliability as {{ dbt.type_string() }}) as source_reliability,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        cast(handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance: the landed file and its hash
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_file_sha256 as {{ dbt.type_string() }}) as _file_sha256
    from documents

)

select * from final
