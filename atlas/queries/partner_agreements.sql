-- Atlas partner pages, table "Agreements": each partner's agreements (the 200 most recently
-- signed, undated last) with the other parties and the source document, its 4x4 grade and
-- handling code; `total` is how many the partner has in all.
with partners as (

    select * from marts.dim_partner

),

agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

documents as (

    select * from marts.dim_source_document

),

counterparts as (

    select
        parties.agreement_key,
        parties.partner_key,
        string_agg(other.partner_name, ', ' order by other.partner_name) as counterparts
    from parties
    inner join parties as other_parties
        on parties.agreement_key = other_parties.agreement_key
        and parties.partner_key <> other_parties.partner_key
    inner join partners as other
        on other_parties.partner_key = other.partner_key
    group by parties.agreement_key, parties.partner_key

),

final as (

    select
        partners.partner_id,
        agreements.agreement_name,
        agreements.agreement_type,
        agreements.status,
        parties.party_role,
        counterparts.counterparts,
        agreements.signed_on,
        agreements.in_force_on,
        agreements.ended_on,
        agreements.allows_personal_data,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code,
        count(*) over (partition by partners.partner_id) as total
    from parties
    inner join agreements
        on parties.agreement_key = agreements.agreement_key
    inner join partners
        on parties.partner_key = partners.partner_key
    left join counterparts
        on parties.agreement_key = counterparts.agreement_key
        and parties.partner_key = counterparts.partner_key
    left join documents
        on agreements.document_key = documents.document_key
    qualify row_number() over (
        partition by partners.partner_id
        order by agreements.signed_on desc nulls last, agreements.agreement_id
    ) <= 200

)

select * from final
order by partner_id, signed_on desc nulls last, agreement_name
