-- Atlas chart "Membership over time": every membership spell in CLASI, AMERIPOL and the other
-- organisations and programmes with the most members (eight in all). An open spell ends on
-- the atlas date: `set variable as_of = date '2025-03-07';` first.
with partners as (

    select * from marts.dim_partner

),

memberships as (

    select * from marts.fct_membership

),

organisations as (

    select
        memberships.organisation_partner_key,
        row_number() over (
            order by
                organisation.partner_id in ('clasi', 'ameripol') desc,
                count(*) desc,
                organisation.partner_name
        ) as organisation_rank
    from memberships
    inner join partners as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    group by memberships.organisation_partner_key, organisation.partner_id,
        organisation.partner_name

),

final as (

    select
        organisation.partner_id as organisation_id,
        coalesce(organisation.acronym, organisation.partner_name) as organisation_name,
        member.partner_id as member_id,
        member.partner_name as member_name,
        memberships.membership_role,
        memberships.valid_from,
        coalesce(memberships.valid_to, getvariable('as_of')) as valid_to,
        memberships.valid_to is null as is_current
    from memberships
    inner join organisations
        on memberships.organisation_partner_key = organisations.organisation_partner_key
    inner join partners as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    inner join partners as member
        on memberships.member_partner_key = member.partner_key
    where organisations.organisation_rank <= 8
        and memberships.membership_role <> 'observer'
        and memberships.valid_from <= getvariable('as_of')

)

select * from final
order by organisation_name, valid_from, member_name
