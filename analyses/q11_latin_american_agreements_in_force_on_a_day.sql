-- Q11. Which agreements with Latin American partners were in force on 2020-07-10, and since when?
-- (Mexico's working arrangement entered into force on 1 July 2020, before its formal signing on
-- 20 July.) Change the day to ask the same of another. An agreement in force whose entry into
-- force no source dates has no in_force spell: it is listed when it was signed by the day, with
-- no start date and `is_entry_into_force_known` false (in force now; on the day, unknown).
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

    select history.agreement_key, history.valid_from, true as is_entry_into_force_known
    from history
    where history.status = 'in_force'
        and history.valid_from <= date '2020-07-10'
        and (history.valid_to is null or history.valid_to > date '2020-07-10')
    union all
    select agreements.agreement_key, null, false
    from agreements
    where agreements.status = 'in_force'
        and agreements.in_force_on is null
        and agreements.signed_on <= date '2020-07-10'

),

final as (

    select distinct
        partners.partner_name as partner,
        agreements.agreement_name,
        in_force.valid_from as in_force_since,
        in_force.is_entry_into_force_known,
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
