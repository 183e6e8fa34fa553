-- The atlas's chart "Cooperation with the EU on a date": per country, the strongest instrument
-- with an EU body (Europol, the EU, Eurojust...) on the atlas date (`as_of`, the var
-- `atlas_as_of`), in four levels: personal data (an instrument signed, concluded or in force
-- that allows exchanging personal data), strategic (signed, concluded or in force, no personal
-- data), negotiating, or none.
with partners as (

    select * from {{ ref('dim_partner') }}

),

agreements as (

    select * from {{ ref('fct_agreement') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

history as (

    select * from {{ ref('fct_agreement_status_history') }}

),

with_eu_body as (

    select parties.agreement_key
    from parties
    inner join partners
        on parties.partner_key = partners.partner_key
    where partners.partner_type = 'eu_body'
    group by parties.agreement_key

),

on_date as (

    select
        parties.partner_key,
        case
            when history.status = 'negotiating' then 1
            when agreements.allows_personal_data then 3
            else 2
        end as level
    from history
    inner join with_eu_body
        on history.agreement_key = with_eu_body.agreement_key
    inner join agreements
        on history.agreement_key = agreements.agreement_key
    inner join parties
        on history.agreement_key = parties.agreement_key
    where history.status in ('negotiating', 'signed', 'concluded', 'in_force')
        and history.valid_from <= {{ atlas_as_of() }}
        and (history.valid_to is null or {{ atlas_as_of() }} < history.valid_to)

),

strongest as (

    select
        partner_key,
        max(level) as level
    from on_date
    group by partner_key

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(partners.partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(partners.iso_numeric as {{ dbt.type_string() }}) as iso_numeric,
        cast(coalesce(partners.region, 'no region') as {{ dbt.type_string() }}) as region,
        cast(case coalesce(strongest.level, 0)
            when 3 then 'personal data'
            when 2 then 'strategic'
            when 1 then 'negotiating'
            else 'none'
        end as {{ dbt.type_string() }}) as cooperation_level,
        {{ atlas_as_of() }} as as_of
    from partners
    left join strongest
        on partners.partner_key = strongest.partner_key
    where partners.partner_type = 'country'

)

select * from final
