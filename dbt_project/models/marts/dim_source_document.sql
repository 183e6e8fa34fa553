{{
    config(
        on_schema_change='fail',
        pre_hook=[
            "{{ forget_verified_loads() }}",
            "{{ drop_rows_gone_upstream(ref('stg_curated__source_documents'),
                ['document_id', '_loaded_at'], counted_in=ref('stg_curated__source_documents')) }}",
        ],
        **incremental_config('document_key', partition_column=none)
    )
}}

with documents as (

    select * from {{ ref('stg_curated__source_documents') }}
    {{ loaded_since_last_build() }}

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
        -- 4x4 evaluation and handling code
        cast(source_reliability as {{ dbt.type_string() }}) as source_reliability,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        cast(
            {{ dbt.concat(['source_reliability', 'cast(information_accuracy as ' ~ dbt.type_string() ~ ')']) }}
            as {{ dbt.type_string() }}
        ) as evaluation_code,
        cast(handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(verification_status as {{ dbt.type_string() }}) as verification_status,
        -- grading policy: the publisher's kind, and for a repost its original
        cast(publisher_kind as {{ dbt.type_string() }}) as publisher_kind,
        cast(original_publisher as {{ dbt.type_string() }}) as original_publisher,
        cast(original_url as {{ dbt.type_string() }}) as original_url,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance: when the row was loaded (drives incremental builds)
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from documents

)

select * from final
