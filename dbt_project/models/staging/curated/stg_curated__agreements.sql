with source as (

    select * from {{ source('raw_curated', 'agreements') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(agreement_id as {{ dbt.type_string() }}) as agreement_id,
        cast(agreement_name as {{ dbt.type_string() }}) as agreement_name,
        cast(agreement_type as {{ dbt.type_string() }}) as agreement_type,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(recommended_on as date) as recommended_on,
        cast(mandate_adopted_on as date) as mandate_adopted_on,
        cast(negotiations_opened_on as date) as negotiations_opened_on,
        cast(signed_on as date) as signed_on,
        cast(concluded_on as date) as concluded_on,
        cast(in_force_on as date) as in_force_on,
        cast(ended_on as date) as ended_on,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        cast(in_force_precision as {{ dbt.type_string() }}) as in_force_precision,
        cast(in_force_basis as {{ dbt.type_string() }}) as in_force_basis,
        cast(allows_personal_data as {{ dbt.type_boolean() }}) as allows_personal_data,
        cast(superseded_by_agreement_id as {{ dbt.type_string() }}) as superseded_by_agreement_id,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
