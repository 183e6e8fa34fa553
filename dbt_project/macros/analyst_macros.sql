{#- Table macros analysts call with a date, created in the marts schema after every build
    (on-run-end). DuckDB has table macros; other engines get nothing (use the views). -#}
{% macro create_analyst_macros() %}
    {{ return(adapter.dispatch('create_analyst_macros')()) }}
{% endmacro %}

{% macro default__create_analyst_macros() %}
    select 1
{% endmacro %}

{% macro duckdb__create_analyst_macros() %}
    {%- if not execute -%}{{ return('select 1') }}{%- endif -%}
-- members_on(organisation_id, day): who belonged to an organisation or programme that day (an
-- observer, such as Europol at AMERIPOL, does not belong to it and is left out)
create or replace macro marts.members_on(organisation_id, day) as table
    select
        member.partner_id as member_id,
        member.partner_name as member_name,
        member.iso3 as member_iso3,
        memberships.membership_role,
        memberships.valid_from,
        memberships.valid_from_precision
    from marts.fct_membership as memberships
    inner join marts.dim_partner as organisation
        on memberships.organisation_partner_key = organisation.partner_key
    inner join marts.dim_partner as member
        on memberships.member_partner_key = member.partner_key
    where organisation.partner_id = organisation_id
        and memberships.membership_role <> 'observer'
        and memberships.valid_from <= day
        and (memberships.valid_to is null or day < memberships.valid_to);

-- partner_cooperation_status(day): per partner, the strongest instrument in force that day
-- (EU international agreement > operational > strategic > working arrangement > liaison
-- officer agreement or MoU) and since when, with the other parties to it. An agreement in
-- force now whose entry into force no source dates counts when it was signed by the day, with
-- an empty in_force_since: in force now, on the day probably but not known.
create or replace macro marts.partner_cooperation_status(day) as table
    with in_force as (
        select
            history.agreement_key,
            history.valid_from as in_force_since
        from marts.fct_agreement_status_history as history
        where history.status = 'in_force'
            and history.valid_from <= day
            and (history.valid_to is null or day < history.valid_to)
        union all
        select agreements.agreement_key, null
        from marts.fct_agreement as agreements
        where agreements.status = 'in_force'
            and agreements.in_force_on is null
            and agreements.signed_on <= day
    ),
    ranked as (
        select
            partner.partner_id,
            partner.partner_name,
            partner.partner_type,
            agreements.agreement_id,
            agreements.agreement_name,
            agreements.agreement_type,
            agreements.allows_personal_data,
            in_force.in_force_since,
            row_number() over (
                partition by partner.partner_key
                order by
                    case agreements.agreement_type
                        when 'eu_international_agreement' then 1
                        when 'operational_agreement' then 2
                        when 'strategic_agreement' then 3
                        when 'working_arrangement' then 4
                        else 5
                    end,
                    in_force.in_force_since nulls last
            ) as strength_rank
        from in_force
        inner join marts.fct_agreement as agreements
            on in_force.agreement_key = agreements.agreement_key
        inner join marts.bridge_agreement_party as parties
            on agreements.agreement_key = parties.agreement_key
            and parties.party_role = 'party'
        inner join marts.dim_partner as partner
            on parties.partner_key = partner.partner_key
    )
    select
        ranked.partner_id,
        ranked.partner_name,
        ranked.partner_type,
        ranked.agreement_id as strongest_agreement_id,
        ranked.agreement_name as strongest_agreement_name,
        ranked.agreement_type as strongest_agreement_type,
        ranked.allows_personal_data,
        ranked.in_force_since,
        (
            select string_agg(other.partner_name, ', ' order by other.partner_name)
            from marts.bridge_agreement_party as other_parties
            inner join marts.dim_partner as other
                on other_parties.partner_key = other.partner_key
            inner join marts.fct_agreement as agreement
                on other_parties.agreement_key = agreement.agreement_key
            where agreement.agreement_id = ranked.agreement_id
                and other.partner_id <> ranked.partner_id
                and other_parties.party_role = 'party'
        ) as counterparts
    from ranked
    where ranked.strength_rank = 1;
{% endmacro %}
