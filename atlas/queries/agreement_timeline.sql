-- Atlas chart "Agreements over time, by region": one row per agreement, partner and status
-- spell (negotiating, signed, concluded, in force), for every party except the EU bodies
-- (Europol, the EU, Eurojust...) that are the counterpart of most agreements.
-- An open spell ends on the atlas date: `set variable as_of = date '2025-03-07';` first.
-- Agreements with no dated status are left out here and listed on the partner pages. Per
-- region, the 20 partners with the most agreements (`partners_in_region` counts them all),
-- and of each the 5 agreements whose history starts last (`agreements_of_partner`).
with partners as (

    select * from marts.dim_partner

),

agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

history as (

    select * from marts.fct_agreement_status_history

),

spells as (

    select
        coalesce(partners.region, 'Organisations and programmes') as region,
        partners.partner_id,
        partners.partner_name,
        agreements.agreement_id,
        agreements.agreement_name,
        agreements.agreement_type,
        agreements.allows_personal_data,
        agreements.status as current_status,
        history.status as spell_status,
        history.valid_from as spell_from,
        coalesce(history.valid_to, agreements.ended_on, getvariable('as_of')) as spell_to
    from history
    inner join agreements
        on history.agreement_key = agreements.agreement_key
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where parties.party_role = 'party'
        and partners.partner_type <> 'eu_body'
        and history.valid_from <= getvariable('as_of')

),

partner_ranks as (

    select
        region,
        partner_id,
        count(distinct agreement_id) as agreements_of_partner,
        row_number() over (
            partition by region order by count(distinct agreement_id) desc, partner_id
        ) as partner_rank,
        count(*) over (partition by region) as partners_in_region
    from spells
    group by region, partner_id

),

agreement_ranks as (

    select
        partner_id,
        agreement_id,
        row_number() over (
            partition by partner_id order by min(spell_from) desc, agreement_id
        ) as agreement_rank
    from spells
    group by partner_id, agreement_id

),

final as (

    select
        spells.*,
        partner_ranks.partners_in_region,
        partner_ranks.agreements_of_partner
    from spells
    inner join partner_ranks
        on spells.region = partner_ranks.region
        and spells.partner_id = partner_ranks.partner_id
    inner join agreement_ranks
        on spells.partner_id = agreement_ranks.partner_id
        and spells.agreement_id = agreement_ranks.agreement_id
    where partner_ranks.partner_rank <= 20
        and agreement_ranks.agreement_rank <= 5

)

select * from final
order by region, partner_name, agreement_id, spell_from, spell_to, spell_status
