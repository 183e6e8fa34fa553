-- The atlas's partner pages, table "Documents": the source documents behind each partner's
-- row, its agreements, memberships and events (the 100 latest published), with their 4x4
-- grade and handling code; `total` is how many documents in all.
with partners as (

    select * from {{ ref('dim_partner') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

agreements as (

    select * from {{ ref('fct_agreement') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

memberships as (

    select * from {{ ref('fct_membership') }}

),

events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

),

-- the events' documents: each partner's latest 100 and how many (kept between builds)
event_latest as (

    select * from {{ ref('int_atlas_partner_event_documents_latest') }}

),

-- the documents of the partner's own row, its agreements and its memberships: a few per partner
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

),

known as (

    select cited.partner_key, cited.document_key
    from cited
    inner join partners
        on cited.partner_key = partners.partner_key
    inner join documents
        on cited.document_key = documents.document_key

),

-- of those, the ones an event of the partner cites too (counted among the events' already)
cited_by_events as (

    select distinct participants.partner_key, events.document_key
    from participants
    inner join events
        on participants.event_key = events.event_key
    inner join (select distinct document_key from known) as cited_documents
        on events.document_key = cited_documents.document_key

),

cited_only as (

    select partner_key, document_key from known
    except
    select partner_key, document_key from cited_by_events

),

counted as (

    select partner_key, max(total) as total
    from event_latest
    group by partner_key
    union all
    select partner_key, count(*) as total
    from cited_only
    group by partner_key

),

totals as (

    select partner_key, sum(total) as total
    from counted
    group by partner_key

),

candidates as (

    select partner_key, document_key from cited_only
    union all
    select partner_key, document_key from event_latest

),

dated as (

    select
        candidates.partner_key,
        candidates.document_key,
        coalesce(documents.published_on, cast('0001-01-01' as date)) as published_on_or_first,
        documents.document_id
    from candidates
    inner join documents
        on candidates.document_key = documents.document_key

),

latest as (

    {{ latest_per_group('dated', 'partner_key', ['document_key'],
        ['published_on_or_first', 'document_id'], 100) }}

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        documents.published_on,
        cast(documents.title as {{ dbt.type_string() }}) as title,
        cast(documents.publisher as {{ dbt.type_string() }}) as publisher,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(totals.total as {{ dbt.type_bigint() }}) as total
    from latest
    inner join totals
        on latest.partner_key = totals.partner_key
    inner join partners
        on latest.partner_key = partners.partner_key
    inner join documents
        on latest.document_key = documents.document_key

)

select * from final
