with source as (

    select * from {{ source('raw_reference', 'countries') }}

),

renamed as (

    select
        -- ISO 3166-1 codes
        cast(iso2 as {{ dbt.type_string() }}) as iso2,
        cast(iso3 as {{ dbt.type_string() }}) as iso3,
        cast(iso_numeric as {{ dbt.type_string() }}) as iso_numeric,
        -- names, any of which a curated extract may use
        cast(name as {{ dbt.type_string() }}) as iso_name,
        cast(common_name as {{ dbt.type_string() }}) as common_name,
        cast(official_name as {{ dbt.type_string() }}) as official_name,
        cast(short_name as {{ dbt.type_string() }}) as short_name,
        -- UN M49 geography
        cast(region as {{ dbt.type_string() }}) as region,
        cast(subregion as {{ dbt.type_string() }}) as subregion

    from source

)

select * from renamed
