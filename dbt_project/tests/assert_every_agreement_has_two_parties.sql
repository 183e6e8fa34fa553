-- An agreement binds at least two parties: a row here is an agreement with fewer.
{{ config(meta={'dagster': {'ref': {'name': 'fct_agreement'}}}) }}

with agreements as (

    select * from {{ ref('fct_agreement') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

party_counts as (

    select
        agreements.agreement_id,
        count(parties.partner_key) as parties
    from agreements
    left join parties
        on agreements.agreement_key = parties.agreement_key
        and parties.party_role = 'party'
    group by agreements.agreement_id

),

final as (

    select * from party_counts where parties < 2

)

select * from final
