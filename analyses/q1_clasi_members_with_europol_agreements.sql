-- Q1. Which CLASI member countries (membership as of 2025-03-07) had an agreement or working
-- arrangement with Europol signed on or before 2025-03-07?
-- Change the organisation, the counterpart or the date to ask the same of others.
with partners as (

    select * from marts.dim_partner

),

memberships as (

    select * from marts.fct_membership

),

agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

members_on_date as (

    select memberships.member_partner_key
    from memberships
    inner join partners as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    where organisation.partner_id = 'clasi'
        and memberships.valid_from <= date '2025-03-07'
        and (memberships.valid_to is null or memberships.valid_to > date '2025-03-07')

),

europol_agreements as (

    select agreements.agreement_key
    from agreements
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.partner_id = 'europol'
        and agreements.signed_on <= date '2025-03-07'

),

final as (

    select distinct partners.partner_name
    from europol_agreements
    inner join parties
        on europol_agreements.agreement_key = parties.agreement_key
    inner join members_on_date
        on parties.partner_key = members_on_date.member_partner_key
    inner join partners
        on parties.partner_key = partners.partner_key

)

select * from final
order by partner_name
