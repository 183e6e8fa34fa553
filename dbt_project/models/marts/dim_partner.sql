with partners as (

    select * from {{ ref('int_partners_geocoded') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['partner_id']) }} as {{ dbt.type_string() }}) as partner_key,
        cast(partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(
            case when parent_partner_id is not null then {{ surrogate_key(['parent_partner_id']) }} end
            as {{ dbt.type_string() }}
        ) as parent_partner_key,
        -- attributes
        cast(partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(partner_type as {{ dbt.type_string() }}) as partner_type,
        cast(acronym as {{ dbt.type_string() }}) as acronym,
        cast(headquarters_city as {{ dbt.type_string() }}) as headquarters_city,
        -- ISO 3166 codes and UN M49 geography (countries only)
        cast(iso2 as {{ dbt.type_string() }}) as iso2,
        cast(iso3 as {{ dbt.type_string() }}) as iso3,
        cast(iso_numeric as {{ dbt.type_string() }}) as iso_numeric,
        cast(region as {{ dbt.type_string() }}) as region,
        cast(subregion as {{ dbt.type_string() }}) as subregion,
        cast(is_latin_america_caribbean as {{ dbt.type_boolean() }}) as is_latin_america_caribbean,
        -- dates
        cast(founded_on as date) as founded_on,
        -- provenance
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(note as {{ dbt.type_string() }}) as note
    from partners

)

select * from final
