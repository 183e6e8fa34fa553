-- Q3. When was CLASI established, and how many members did it have on 2025-03-07?
with partners as (

    select * from marts.dim_partner

),

memberships as (

    select * from marts.fct_membership

),

final as (

    select
        organisation.partner_name,
        organisation.founded_on,
        count(distinct memberships.member_partner_key) as members_on_2025_03_07
    from partners as organisation
    left join memberships
        on memberships.organisation_partner_key = organisation.partner_key
        and memberships.valid_from <= date '2025-03-07'
        and (memberships.valid_to is null or memberships.valid_to > date '2025-03-07')
    where organisation.partner_id = 'clasi'
    group by all

)

select * from final
