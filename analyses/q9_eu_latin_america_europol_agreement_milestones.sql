-- Q9. Where does each EU international agreement on Europol cooperation with a Latin American
-- country stand: Commission recommendation, signature, conclusion, entry into force?
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
        partners.partner_name as country,
        agreements.status,
        agreements.recommended_on,
        agreements.signed_on,
        agreements.concluded_on,
        agreements.in_force_on
    from agreements
    inner join parties
        on agreements.agreement_key = parties.agreement_key
        and parties.party_role = 'party'
    inner join partners
        on parties.partner_key = partners.partner_key
    where agreements.agreement_type = 'eu_international_agreement'
        and partners.is_latin_america_caribbean
        -- on Europol cooperation: Europol implements it (Eurojust's are another question)
        and exists (
            select 1
            from parties as agency
            inner join partners as europol
                on agency.partner_key = europol.partner_key
            where agency.agreement_key = agreements.agreement_key
                and agency.party_role = 'implementing_agency'
                and europol.partner_id = 'europol'
        )

)

select * from final
order by country
