-- The atlas's index and partner pages: every partner, with its region and how many
-- agreements, memberships and events it takes part in.
with partners as (

    select * from {{ ref('dim_partner') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

memberships as (

    select * from {{ ref('fct_membership') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

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
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(partners.partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(partners.partner_type as {{ dbt.type_string() }}) as partner_type,
        cast(coalesce(partners.region, 'Organisations and programmes')
            as {{ dbt.type_string() }}) as region,
        cast(partners.subregion as {{ dbt.type_string() }}) as subregion,
        cast(partners.iso3 as {{ dbt.type_string() }}) as iso3,
        cast(coalesce(agreement_counts.agreements, 0) as {{ dbt.type_bigint() }}) as agreements,
        cast(coalesce(membership_counts.memberships, 0) as {{ dbt.type_bigint() }})
            as memberships,
        cast(coalesce(event_counts.events, 0) as {{ dbt.type_bigint() }}) as events
    from partners
    left join agreement_counts
        on partners.partner_key = agreement_counts.partner_key
    left join membership_counts
        on partners.partner_key = membership_counts.partner_key
    left join event_counts
        on partners.partner_key = event_counts.partner_key

)

select * from final
