-- The atlas's chart "Agreements over time, by region": one row per agreement, partner and
-- status spell (negotiating, signed, concluded, in force), for every party except the EU
-- bodies (Europol, the EU, Eurojust...) that are the counterpart of most agreements. An open
-- spell ends on the atlas date (`as_of`). Agreements with no dated status are left out here
-- and listed on the partner pages. Per region, the 20 partners with the most agreements
-- (`partners_in_region` counts them all), and of each the 5 agreements whose history starts
-- last (`agreements_of_partner` counts them all).
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
        coalesce(history.valid_to, agreements.ended_on, {{ atlas_as_of() }}) as spell_to
    from history
    inner join agreements
        on history.agreement_key = agreements.agreement_key
    inner join parties
        on agreements.agreement_key = parties.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    where parties.party_role = 'party'
        and partners.partner_type <> 'eu_body'
        and history.valid_from <= {{ atlas_as_of() }}

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
        cast(spells.region as {{ dbt.type_string() }}) as region,
        cast(spells.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(spells.partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(spells.agreement_id as {{ dbt.type_string() }}) as agreement_id,
        cast(spells.agreement_name as {{ dbt.type_string() }}) as agreement_name,
        cast(spells.agreement_type as {{ dbt.type_string() }}) as agreement_type,
        cast(spells.allows_personal_data as {{ dbt.type_boolean() }}) as allows_personal_data,
        cast(spells.current_status as {{ dbt.type_string() }}) as current_status,
        cast(spells.spell_status as {{ dbt.type_string() }}) as spell_status,
        cast(spells.spell_from as date) as spell_from,
        cast(spells.spell_to as date) as spell_to,
        cast(partner_ranks.partners_in_region as {{ dbt.type_bigint() }}) as partners_in_region,
        cast(partner_ranks.agreements_of_partner as {{ dbt.type_bigint() }})
            as agreements_of_partner,
        {{ atlas_as_of() }} as as_of
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
