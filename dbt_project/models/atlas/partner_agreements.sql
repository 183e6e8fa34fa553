-- The atlas's partner pages, table "Agreements": each partner's agreements (the 200 most
-- recently signed, undated last) with the other parties and the source document, its 4x4
-- grade and handling code; `total` is how many the partner has in all.
with partners as (

    select * from {{ ref('dim_partner') }}

),

agreements as (

    select * from {{ ref('fct_agreement') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

counterparts as (

    select
        parties.agreement_key,
        parties.partner_key,
        {{ sorted_string_agg('other.partner_name', ', ') }} as counterparts
    from parties
    inner join parties as other_parties
        on parties.agreement_key = other_parties.agreement_key
        and parties.partner_key <> other_parties.partner_key
    inner join partners as other
        on other_parties.partner_key = other.partner_key
    group by parties.agreement_key, parties.partner_key

),

ranked as (

    select
        parties.agreement_key,
        parties.partner_key,
        parties.party_role,
        count(*) over (partition by parties.partner_key) as total,
        row_number() over (
            partition by parties.partner_key
            order by agreements.signed_on desc nulls last, agreements.agreement_id
        ) as agreement_rank
    from parties
    inner join agreements
        on parties.agreement_key = agreements.agreement_key

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(agreements.agreement_name as {{ dbt.type_string() }}) as agreement_name,
        cast(agreements.agreement_type as {{ dbt.type_string() }}) as agreement_type,
        cast(agreements.status as {{ dbt.type_string() }}) as status,
        cast(ranked.party_role as {{ dbt.type_string() }}) as party_role,
        cast(counterparts.counterparts as {{ dbt.type_string() }}) as counterparts,
        agreements.signed_on,
        agreements.in_force_on,
        agreements.ended_on,
        cast(agreements.allows_personal_data as {{ dbt.type_boolean() }})
            as allows_personal_data,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(ranked.total as {{ dbt.type_bigint() }}) as total
    from ranked
    inner join agreements
        on ranked.agreement_key = agreements.agreement_key
    inner join partners
        on ranked.partner_key = partners.partner_key
    left join counterparts
        on ranked.agreement_key = counterparts.agreement_key
        and ranked.partner_key = counterparts.partner_key
    left join documents
        on agreements.document_key = documents.document_key
    where ranked.agreement_rank <= 200

)

select * from final
