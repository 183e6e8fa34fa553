with source as (

    select * from {{ source('raw_curated', 'threats') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(threat_id as {{ dbt.type_string() }}) as threat_id,
        cast(threat_name as {{ dbt.type_string() }}) as threat_name,
        cast(parent_threat_id as {{ dbt.type_string() }}) as parent_threat_id,
        cast(is_europol_crime_area as {{ dbt.type_boolean() }}) as is_europol_crime_area,
        cast(is_empact_2018_2021 as {{ dbt.type_boolean() }}) as is_empact_2018_2021,
        cast(is_empact_2022_2025 as {{ dbt.type_boolean() }}) as is_empact_2022_2025,
        cast(is_empact_2026_2029 as {{ dbt.type_boolean() }}) as is_empact_2026_2029,
        cast(empact_2022_2025_priority as {{ dbt.type_string() }}) as empact_2022_2025_priority,
        cast(empact_2026_2029_priority as {{ dbt.type_string() }}) as empact_2026_2029_priority,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(empact_2022_2025_document_id as {{ dbt.type_string() }}) as empact_2022_2025_document_id,
        cast(empact_2026_2029_document_id as {{ dbt.type_string() }}) as empact_2026_2029_document_id,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
