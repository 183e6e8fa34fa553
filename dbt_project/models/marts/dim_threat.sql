with threats as (

    select * from {{ ref('stg_curated__threats') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['threat_id']) }} as {{ dbt.type_string() }}) as threat_key,
        cast(threat_id as {{ dbt.type_string() }}) as threat_id,
        cast(
            case when parent_threat_id is not null then {{ surrogate_key(['parent_threat_id']) }} end
            as {{ dbt.type_string() }}
        ) as parent_threat_key,
        -- attributes
        cast(threat_name as {{ dbt.type_string() }}) as threat_name,
        cast(empact_2022_2025_priority as {{ dbt.type_string() }}) as empact_2022_2025_priority,
        cast(empact_2026_2029_priority as {{ dbt.type_string() }}) as empact_2026_2029_priority,
        -- flags
        cast(is_europol_crime_area as {{ dbt.type_boolean() }}) as is_europol_crime_area,
        cast(is_empact_2018_2021 as {{ dbt.type_boolean() }}) as is_empact_2018_2021,
        cast(is_empact_2022_2025 as {{ dbt.type_boolean() }}) as is_empact_2022_2025,
        cast(is_empact_2026_2029 as {{ dbt.type_boolean() }}) as is_empact_2026_2029,
        -- provenance
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(
            case when empact_2022_2025_document_id is not null
                then {{ surrogate_key(['empact_2022_2025_document_id']) }} end
            as {{ dbt.type_string() }}
        ) as empact_2022_2025_document_key,
        cast(
            case when empact_2026_2029_document_id is not null
                then {{ surrogate_key(['empact_2026_2029_document_id']) }} end
            as {{ dbt.type_string() }}
        ) as empact_2026_2029_document_key,
        cast(note as {{ dbt.type_string() }}) as note
    from threats

)

select * from final
