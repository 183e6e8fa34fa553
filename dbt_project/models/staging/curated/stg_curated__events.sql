with source as (

    select * from {{ source('raw_curated', 'events') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(started_on as date) as started_on,
        cast(ended_on as date) as ended_on,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        cast(location_name as {{ dbt.type_string() }}) as location_name,
        cast(location_partner_id as {{ dbt.type_string() }}) as location_partner_id,
        cast(agreement_id as {{ dbt.type_string() }}) as agreement_id,
        cast(coalesce(is_inferred, false) as {{ dbt.type_boolean() }}) as is_inferred,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
