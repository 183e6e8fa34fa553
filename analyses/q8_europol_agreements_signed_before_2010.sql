-- Q8. Which agreements did Europol sign with non-EU partners before 2010, with whom, and how
-- exactly is each signing date known?
-- Change the date to ask the same of another period.
with agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

partners as (

    select * from marts.dim_partner

),

europol_agreements as (

    select agreements.agreement_key
    from agreements
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.partner_id = 'europol'
        and parties.party_role = 'party'
        and agreements.signed_on < date '2010-01-01'

),

final as (

    select
        agreements.signed_on,
        agreements.date_precision,
        partners.partner_name as partner,
        agreements.agreement_type,
        agreements.allows_personal_data
    from europol_agreements
    inner join agreements
        on europol_agreements.agreement_key = agreements.agreement_key
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.partner_id <> 'europol'

)

select * from final
order by signed_on, partner
