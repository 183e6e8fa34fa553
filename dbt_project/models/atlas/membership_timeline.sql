-- The atlas's chart "Membership over time": every membership spell in CLASI, AMERIPOL and the
-- other organisations and programmes with the most members (eight in all). An open spell ends
-- on the atlas date (`as_of`).
with partners as (

    select * from {{ ref('dim_partner') }}

),

memberships as (

    select * from {{ ref('fct_membership') }}

),

organisations as (

    select
        memberships.organisation_partner_key,
        row_number() over (
            order by
                case when organisation.partner_id in ('clasi', 'ameripol') then 0 else 1 end,
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
        cast(organisation.partner_id as {{ dbt.type_string() }}) as organisation_id,
        cast(coalesce(organisation.acronym, organisation.partner_name)
            as {{ dbt.type_string() }}) as organisation_name,
        cast(member.partner_id as {{ dbt.type_string() }}) as member_id,
        cast(member.partner_name as {{ dbt.type_string() }}) as member_name,
        cast(memberships.membership_role as {{ dbt.type_string() }}) as membership_role,
        cast(memberships.valid_from as date) as valid_from,
        cast(coalesce(memberships.valid_to, {{ atlas_as_of() }}) as date) as valid_to,
        cast(memberships.valid_to is null as {{ dbt.type_boolean() }}) as is_current,
        {{ atlas_as_of() }} as as_of
    from memberships
    inner join organisations
        on memberships.organisation_partner_key = organisations.organisation_partner_key
    inner join partners as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    inner join partners as member
        on memberships.member_partner_key = member.partner_key
    where organisations.organisation_rank <= 8
        and memberships.membership_role <> 'observer'
        and memberships.valid_from <= {{ atlas_as_of() }}

)

select * from final
