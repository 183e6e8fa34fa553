-- Nobody is a member of an organisation before it was founded.
{{ config(meta={'dagster': {'ref': {'name': 'fct_membership'}}}) }}

with memberships as (

    select * from {{ ref('fct_membership') }}

),

partners as (

    select * from {{ ref('dim_partner') }}

),

final as (

    select memberships.*
    from memberships
    inner join partners
        on memberships.organisation_partner_key = partners.partner_key
    where partners.founded_on is not null
        and memberships.valid_from < partners.founded_on

)

select * from final
