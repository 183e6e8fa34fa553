-- Atlas partner pages, table "Documents": the source documents behind each partner's row, its
-- agreements, memberships and events (the 100 latest published), with their 4x4 grade and
-- handling code; `total` is how many documents in all.
with partners as (

    select * from marts.dim_partner

),

documents as (

    select * from marts.dim_source_document

),

agreements as (

    select * from marts.fct_agreement

),

parties as (

    select * from marts.bridge_agreement_party

),

memberships as (

    select * from marts.fct_membership

),

events as (

    select * from marts.fct_event

),

participants as (

    select * from marts.bridge_event_participant

),

cited as (

    select partner_key, document_key from partners
    union
    select parties.partner_key, agreements.document_key
    from parties
    inner join agreements
        on parties.agreement_key = agreements.agreement_key
    union
    select member_partner_key, document_key from memberships
    union
    select organisation_partner_key, document_key from memberships
    union
    select participants.partner_key, events.document_key
    from participants
    inner join events
        on participants.event_key = events.event_key

),

latest_keys as (

    -- the 100 latest published per partner: a top-n aggregate, cheaper than ranking all
    select
        cited.partner_key,
        count(*) as total,
        max_by(
            cited.document_key,
            {
                'published_on': coalesce(documents.published_on, date '0001-01-01'),
                'document_id': documents.document_id
            },
            100
        ) as document_keys
    from cited
    inner join documents
        on cited.document_key = documents.document_key
    group by cited.partner_key

),

latest as (

    select
        latest_keys.partner_key,
        latest_keys.total,
        unnest(latest_keys.document_keys) as document_key
    from latest_keys

),

final as (

    select
        partners.partner_id,
        documents.published_on,
        documents.title,
        documents.publisher,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code,
        latest.total
    from latest
    inner join partners
        on latest.partner_key = partners.partner_key
    inner join documents
        on latest.document_key = documents.document_key

)

select * from final
order by partner_id, published_on desc nulls last, title
