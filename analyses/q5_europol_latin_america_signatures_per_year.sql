-- Q5. For each year, how many agreements or working arrangements did Europol sign with Latin
-- American partners (countries of UN M49 "Latin America and the Caribbean")?
with agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

partners as (

    select * from marts.dim_partner

),

dates as (

    select * from marts.dim_date

),

europol_agreements as (

    select agreements.agreement_key, agreements.signed_on
    from agreements
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.partner_id = 'europol'
        and agreements.agreement_type in (
            'strategic_agreement', 'operational_agreement', 'working_arrangement'
        )
        and agreements.signed_on is not null

),

with_latin_america as (

    select distinct europol_agreements.agreement_key, europol_agreements.signed_on
    from europol_agreements
    inner join parties
        on europol_agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.is_latin_america_caribbean

),

final as (

    select
        dates.year,
        count(*) as agreements_signed
    from with_latin_america
    inner join dates
        on with_latin_america.signed_on = dates.date_key
    group by dates.year

)

select * from final
order by year
