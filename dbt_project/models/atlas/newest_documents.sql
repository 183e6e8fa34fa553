-- The atlas's headline, "newest documents": the five source documents published last.
with documents as (

    select * from {{ ref('dim_source_document') }}
    where published_on is not null

),

final as (

    select
        documents.published_on,
        cast(documents.title as {{ dbt.type_string() }}) as title,
        cast(documents.publisher as {{ dbt.type_string() }}) as publisher,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code
    from documents
    order by documents.published_on desc, documents.document_id desc
    limit 5

)

select * from final
