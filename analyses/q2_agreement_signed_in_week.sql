-- Q2. Which international agreement was signed between 2025-03-03 and 2025-03-09, by which
-- parties, and does it allow the exchange of personal data?
with agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

partners as (

    select * from marts.dim_partner

),

final as (

    select
        agreements.agreement_name,
        agreements.agreement_type,
        agreements.signed_on,
        string_agg(partners.partner_name, ', ' order by partners.partner_name) as parties,
        agreements.allows_personal_data
    from agreements
    inner join parties
        on agreements.agreement_key = parties.agreement_key
        and parties.party_role = 'party'
    inner join partners
        on parties.partner_key = partners.partner_key
    where agreements.signed_on between date '2025-03-03' and date '2025-03-09'
    group by all

)

select * from final
order by signed_on, agreement_name
