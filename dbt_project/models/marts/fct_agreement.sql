with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['agreement_id']) }} as {{ dbt.type_string() }}) as agreement_key,
        cast(agreement_id as {{ dbt.type_string() }}) as agreement_id,
        cast(
            case when superseded_by_agreement_id is not null
                then {{ surrogate_key(['superseded_by_agreement_id']) }} end
            as {{ dbt.type_string() }}
        ) as superseded_by_agreement_key,
        -- attributes
        cast(agreement_name as {{ dbt.type_string() }}) as agreement_name,
        cast(agreement_type as {{ dbt.type_string() }}) as agreement_type,
        cast(status as {{ dbt.type_string() }}) as status,
        -- dates: date_precision says how exact they are, in_force_precision overrides it for
        -- in_force_on, in_force_basis says why in_force_on is dated as it is
        cast(recommended_on as date) as recommended_on,
        cast(mandate_adopted_on as date) as mandate_adopted_on,
        cast(negotiations_opened_on as date) as negotiations_opened_on,
        cast(signed_on as date) as signed_on,
        cast(concluded_on as date) as concluded_on,
        cast(in_force_on as date) as in_force_on,
        cast(ended_on as date) as ended_on,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        cast(coalesce(in_force_precision, date_precision) as {{ dbt.type_string() }})
            as in_force_precision,
        cast(in_force_basis as {{ dbt.type_string() }}) as in_force_basis,
        -- flags
        cast(allows_personal_data as {{ dbt.type_boolean() }}) as allows_personal_data,
        -- provenance
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from agreements

)

select * from final
