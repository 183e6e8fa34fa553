-- Countries take ISO codes and UN M49 geography from the package-built reference table, matched
-- on any of its English names; other partner types keep them empty.
with partners as (

    select * from {{ ref('stg_curated__partners') }}

),

countries as (

    select * from {{ ref('stg_reference__countries') }}

),

matched as (

    select
        partners.partner_id,
        countries.iso2,
        countries.iso3,
        countries.iso_numeric,
        countries.region,
        countries.subregion
    from partners
    inner join countries
        on lower(partners.partner_name) in (
            lower(countries.iso_name),
            lower(countries.common_name),
            lower(countries.official_name),
            lower(countries.short_name)
        )
    where partners.partner_type = 'country'
    group by 1, 2, 3, 4, 5, 6

),

final as (

    select
        partners.*,
        matched.iso2,
        matched.iso3,
        matched.iso_numeric,
        matched.region,
        matched.subregion,
        -- UN M49 "Latin America and the Caribbean" (419) is these three sub-regions
        coalesce(
            matched.subregion in ('South America', 'Central America', 'Caribbean'), false
        ) as is_latin_america_caribbean
    from partners
    left join matched
        on partners.partner_id = matched.partner_id

)

select * from final
