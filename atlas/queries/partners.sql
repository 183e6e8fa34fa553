-- Atlas index and partner pages: every partner, with its region and how many agreements,
-- memberships and events it takes part in.
with partners as (

    select * from marts.dim_partner

),

parties as (

    select * from marts.bridge_agreement_party

),

memberships as (

    select * from marts.fct_membership

),

participants as (

    select * from marts.bridge_event_participant

),

agreement_counts as (

    select partner_key, count(distinct agreement_key) as agreements
    from parties
    group by partner_key

),

membership_counts as (

    select member_partner_key as partner_key, count(*) as memberships
    from memberships
    group by member_partner_key

),

event_counts as (

    select partner_key, count(*) as events  -- one row per event and partner (tested unique)
    from participants
    group by partner_key

),

final as (

    select
        partners.partner_id,
        partners.partner_name,
        partners.partner_type,
        coalesce(partners.region, 'Organisations and programmes') as region,
        partners.subregion,
        partners.iso3,
        coalesce(agreement_counts.agreements, 0) as agreements,
        coalesce(membership_counts.memberships, 0) as memberships,
        coalesce(event_counts.events, 0) as events
    from partners
    left join agreement_counts
        on partners.partner_key = agreement_counts.partner_key
    left join membership_counts
        on partners.partner_key = membership_counts.partner_key
    left join event_counts
        on partners.partner_key = event_counts.partner_key

)

select * from final
order by region, partner_name
