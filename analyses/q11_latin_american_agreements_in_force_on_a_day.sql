-- Q11. Which agreements with Latin American partners were in force on 2020-07-10, and since when?
-- (Mexico's working arrangement entered into force on 1 July 2020, before its formal signing on
-- 20 July.) Change the day to ask the same of another.
with history as (

    select * from marts.fct_agreement_status_history

),

agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

partners as (

    select * from marts.dim_partner

),

in_force as (

    select history.agreement_key, history.valid_from, history.is_valid_from_inferred
    from history
    where history.status = 'in_force'
        and history.valid_from <= date '2020-07-10'
        and (history.valid_to is null or history.valid_to > date '2020-07-10')

),

final as (

    select distinct
        partners.partner_name as partner,
        agreements.agreement_name,
        in_force.valid_from as in_force_since,
        in_force.is_valid_from_inferred,
        agreements.in_force_basis
    from in_force
    inner join agreements
        on in_force.agreement_key = agreements.agreement_key
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.is_latin_america_caribbean

)

select * from final
order by partner, agreement_name
