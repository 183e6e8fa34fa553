-- The atlas's headline, one row: how many partners, agreements in force, events in the year of
-- the atlas date (`as_of`) and source documents, and the newest document's date.
with partners as (

    select * from {{ ref('dim_partner') }}

),

agreements as (

    select * from {{ ref('fct_agreement') }}

),

events as (

    select * from {{ ref('fct_event') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

final as (

    select
        cast((select count(*) from partners) as {{ dbt.type_bigint() }}) as partners,
        cast((select count(*) from agreements where status = 'in_force')
            as {{ dbt.type_bigint() }}) as agreements_in_force,
        cast((
            select count(*) from events
            where extract(year from started_on) = extract(year from {{ atlas_as_of() }})
        ) as {{ dbt.type_bigint() }}) as events_this_year,
        cast((select count(*) from documents) as {{ dbt.type_bigint() }}) as documents,
        (select max(published_on) from documents) as newest_document_on,
        {{ atlas_as_of() }} as as_of

)

select * from final
