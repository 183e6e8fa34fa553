{{ config(materialized='view') }}

-- Memberships that have not ended; for another day, call marts.members_on('<organisation>', date).
with memberships as (

    select * from {{ ref('fct_membership') }}

),

partners as (

    select * from {{ ref('dim_partner') }}

),

final as (

    select
        organisation.partner_id as organisation_id,
        organisation.partner_name as organisation_name,
        member.partner_id as member_id,
        member.partner_name as member_name,
        member.iso3 as member_iso3,
        memberships.membership_role,
        memberships.valid_from,
        memberships.valid_from_precision
    from memberships
    inner join partners as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    inner join partners as member
        on memberships.member_partner_key = member.partner_key
    where memberships.valid_to is null

)

select * from final
